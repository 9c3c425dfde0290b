import { type ModuleRef } from '@nestjs/core';
import { TestClock } from '../testing/test-clock.js';
import { type ResolvedSharedOptions } from '../options/wechat-module-options.interface.js';
import { RefreshScheduler } from './refresh-scheduler.js';

function schedulerOn(clock: TestClock, refreshesPerSecond = 20) {
  const options = { clock, refreshesPerSecond } as unknown as ResolvedSharedOptions;
  return new RefreshScheduler({} as ModuleRef, options);
}

describe('RefreshScheduler', () => {
  it('holds one clock timer however many tasks are pending', async () => {
    const clock = new TestClock(0, { frozen: true });
    const scheduler = schedulerOn(clock, 10_000);
    const ran: number[] = [];
    for (let i = 0; i < 1000; i++) scheduler.schedule(`task-${i}`, 1000 + i, () => ran.push(i));
    expect(clock.pendingTimers()).toBe(1);
    expect(scheduler.activeTimers).toBe(1);
    await clock.advance(2000);
    expect(ran).toHaveLength(1000);
    expect(ran).toEqual([...ran].sort((a, b) => a - b));
    expect(scheduler.activeTimers).toBe(0);
  });

  it('runs a task scheduled earlier than the armed one on time', async () => {
    const clock = new TestClock(0, { frozen: true });
    const scheduler = schedulerOn(clock);
    const ran: string[] = [];
    scheduler.schedule('late', 10_000, () => ran.push('late'));
    scheduler.schedule('early', 100, () => ran.push('early'));
    await clock.advance(100);
    expect(ran).toEqual(['early']);
    await clock.advance(9900);
    expect(ran).toEqual(['early', 'late']);
  });

  it('replaces a task of the same name, and cancels by name', async () => {
    const clock = new TestClock(0, { frozen: true });
    const scheduler = schedulerOn(clock);
    const ran: string[] = [];
    scheduler.schedule('a', 100, () => ran.push('first'));
    scheduler.schedule('a', 200, () => ran.push('second'));
    scheduler.schedule('b', 150, () => ran.push('b'));
    scheduler.cancel('b');
    expect(scheduler.names()).toEqual(['a']);
    await clock.advance(1000);
    expect(ran).toEqual(['second']);
  });

  it('starts at most refreshesPerSecond tasks a second; the rest wait their turn in due order', async () => {
    const clock = new TestClock(0, { frozen: true });
    const scheduler = schedulerOn(clock, 5);
    const ran: { task: number; at: number }[] = [];
    for (let i = 0; i < 12; i++) {
      scheduler.schedule(`t${i}`, 0, () => ran.push({ task: i, at: clock.now() }));
    }
    await clock.advance(0);
    expect(ran.map((r) => r.task)).toEqual([0, 1, 2, 3, 4]);
    await clock.advance(1000);
    expect(ran).toHaveLength(10);
    await clock.advance(1000);
    expect(ran.map((r) => r.task)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // Never more than five within any one second.
    for (const { at } of ran) {
      expect(ran.filter((r) => r.at >= at && r.at < at + 1000).length).toBeLessThanOrEqual(5);
    }
  });

  it('drops every task when the module closes', async () => {
    const clock = new TestClock(0, { frozen: true });
    const scheduler = schedulerOn(clock);
    const ran: string[] = [];
    scheduler.schedule('a', 100, () => ran.push('a'));
    scheduler.onModuleDestroy();
    scheduler.schedule('b', 100, () => ran.push('b'));
    await clock.advance(1000);
    expect(ran).toEqual([]);
    expect(scheduler.names()).toEqual([]);
  });
});
