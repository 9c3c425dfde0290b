import { describe, expect, it } from '@jest/globals';
import { TestClock } from './test-clock.js';

const HOUR = 3_600_000;

describe('TestClock', () => {
  it('starts at the moment it is given and flows with real time', async () => {
    const clock = new TestClock(new Date('2026-05-01T00:00:00Z'));
    const start = clock.now();
    expect(start).toBeGreaterThanOrEqual(Date.parse('2026-05-01T00:00:00Z'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(clock.now()).toBeGreaterThan(start);
  });

  it('moves forward by advance, firing each timer due on the way at its own moment, in order', async () => {
    const clock = new TestClock(0);
    const fired: [string, number][] = [];
    const at = (name: string) => () => fired.push([name, clock.now()]);
    const origin = clock.now();
    clock.setTimer(2 * HOUR, at('two hours'));
    clock.setTimer(HOUR, at('one hour'));
    clock.setTimer(HOUR, at('one hour, set later'));
    clock.setTimer(5 * HOUR, at('five hours'));

    await clock.advance(3 * HOUR);

    expect(fired.map(([name]) => name)).toEqual(['one hour', 'one hour, set later', 'two hours']);
    // Each saw the time of its own moment (real time adds a few ms at most).
    expect(fired[0][1] - origin).toBeGreaterThanOrEqual(HOUR);
    expect(fired[0][1] - origin).toBeLessThan(2 * HOUR);
    expect(fired[2][1] - origin).toBeGreaterThanOrEqual(2 * HOUR);
    expect(fired[2][1] - origin).toBeLessThan(3 * HOUR);
    expect(clock.now() - origin).toBeGreaterThanOrEqual(3 * HOUR);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('fires a timer set by a firing timer when its moment falls inside the same advance', async () => {
    // Frozen: the second timer is due exactly 2 h after the start, 1 ms inside the advance. On a
    // flowing clock the real time the first task takes moves it out (a loaded run saw that).
    const clock = new TestClock(0, { frozen: true });
    const fired: string[] = [];
    clock.setTimer(HOUR, () => {
      fired.push('first');
      clock.setTimer(HOUR, () => fired.push('second'));
      clock.setTimer(10 * HOUR, () => fired.push('too late'));
    });
    await clock.advance(2 * HOUR + 1);
    expect(fired).toEqual(['first', 'second']);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('lets the work a timer starts run before the next timer fires', async () => {
    const clock = new TestClock();
    const steps: string[] = [];
    clock.setTimer(HOUR, () => {
      void (async () => {
        await Promise.resolve();
        await Promise.resolve();
        steps.push('first, done');
      })();
    });
    clock.setTimer(HOUR + 1, () => steps.push('second'));
    await clock.advance(HOUR + 1);
    expect(steps).toEqual(['first, done', 'second']);
  });

  it('does not fire a cancelled timer', async () => {
    const clock = new TestClock();
    let fired = false;
    clock.setTimer(HOUR, () => (fired = true)).cancel();
    await clock.advance(2 * HOUR);
    expect(fired).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('fires timers as real time reaches them, without an advance', async () => {
    const clock = new TestClock();
    const fired = new Promise<number>((resolve) => clock.setTimer(20, () => resolve(clock.now())));
    const setAt = clock.now();
    expect((await fired) - setAt).toBeGreaterThanOrEqual(19);
  });

  it('fires a timer shortened by an advance when its remaining real time runs out', async () => {
    const clock = new TestClock();
    const fired = new Promise<void>((resolve) => clock.setTimer(HOUR + 20, resolve));
    await clock.advance(HOUR);
    await fired;
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runs queued advances one after the other', async () => {
    const clock = new TestClock();
    const origin = clock.now();
    const fired: number[] = [];
    clock.setTimer(HOUR, () => fired.push(1));
    clock.setTimer(3 * HOUR, () => fired.push(3));
    await Promise.all([clock.advance(2 * HOUR), clock.advance(2 * HOUR)]);
    expect(fired).toEqual([1, 3]);
    expect(clock.now() - origin).toBeGreaterThanOrEqual(4 * HOUR);
  });

  it('refuses a backward, non-finite or non-numeric advance, and stays where it was', async () => {
    const clock = new TestClock(0);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      await expect(clock.advance(bad)).rejects.toThrow(/non-negative number of ms/);
    }
    expect(clock.now()).toBeLessThan(HOUR);
    await clock.advance(HOUR);
    expect(clock.now()).toBeGreaterThanOrEqual(HOUR);
  });

  it('refuses a start that is not a moment', () => {
    expect(() => new TestClock(Number.NaN)).toThrow(/date or epoch ms/);
    expect(() => new TestClock(new Date('not a date'))).toThrow(/date or epoch ms/);
  });

  describe('frozen', () => {
    it('stands still but for advance, and fires timers only then', async () => {
      const clock = new TestClock(Date.UTC(2025, 0, 15, 4), { frozen: true });
      let fired = false;
      clock.setTimer(10, () => (fired = true));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(clock.now()).toBe(Date.UTC(2025, 0, 15, 4));
      expect(fired).toBe(false);
      await clock.advance(10);
      expect(fired).toBe(true);
      expect(clock.now()).toBe(Date.UTC(2025, 0, 15, 4) + 10);
    });

    // A scheduler that learns of a moment after an advance went past it (an answer that came
    // back late) sets its timer for that moment: it must run, as under real time, not wait for
    // an advance the test has no reason to make.
    it('fires a timer whose moment has already come without an advance', async () => {
      const clock = new TestClock(0, { frozen: true });
      await clock.advance(1000);
      const fired: string[] = [];
      clock.setTimer(-500, () => fired.push('past'));
      clock.setTimer(0, () => fired.push('now'));
      clock.setTimer(1, () => fired.push('later'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(fired).toEqual(['past', 'now']);
      expect(clock.now()).toBe(1000);
      expect(clock.pendingTimers()).toBe(1);
    });
  });
});
