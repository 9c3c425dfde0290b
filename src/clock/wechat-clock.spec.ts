import { describe, expect, it } from '@jest/globals';
import { clampDelay, isWeChatClock, MAX_TIMEOUT_MS, systemClock } from './wechat-clock.js';

describe('systemClock', () => {
  it('reads real time', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('fires a timer once its delay has passed, and not when cancelled', async () => {
    const setAt = Date.now();
    const firedAt = await new Promise<number>((resolve) =>
      systemClock.setTimer(20, () => resolve(Date.now())),
    );
    expect(firedAt - setAt).toBeGreaterThanOrEqual(19);

    let cancelledFired = false;
    systemClock.setTimer(0, () => (cancelledFired = true)).cancel();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cancelledFired).toBe(false);
  });

  // setTimeout fires a delay past 2^31 - 1 ms at once (and again every millisecond when reused).
  it('does not fire a delay past 24.8 days early', async () => {
    let fired = false;
    const timer = systemClock.setTimer(30 * 86_400_000, () => (fired = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toBe(false);
    timer.cancel();
  });
});

describe('clampDelay', () => {
  it.each([
    [-5, 0],
    [Number.NaN, 0],
    [0, 0],
    [1500, 1500],
    [Number.POSITIVE_INFINITY, MAX_TIMEOUT_MS],
    [MAX_TIMEOUT_MS + 1, MAX_TIMEOUT_MS],
  ])('%p → %p', (given, expected) => expect(clampDelay(given)).toBe(expected));
});

describe('isWeChatClock', () => {
  it('accepts what has now() and setTimer(), refuses the rest', () => {
    expect(isWeChatClock(systemClock)).toBe(true);
    expect(isWeChatClock({ now: () => 0, setTimer: () => ({ cancel() {} }) })).toBe(true);
    for (const bad of [undefined, null, 0, 'clock', { now: () => 0 }, { setTimer: () => 0 }]) {
      expect(isWeChatClock(bad)).toBe(false);
    }
  });
});
