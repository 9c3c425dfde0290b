import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type ClockTimer } from '../clock/wechat-clock.js';
import { type ResolvedSharedOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_SHARED_OPTIONS } from '../wechat.constants.js';
import { findAppSchedulerRegistry, type TimeoutRegistry } from './app-scheduler-registry.js';
import { DueQueue } from './due-queue.js';

const RATE_WINDOW_MS = 1000;

/**
 * Named one-shot tasks of every account of the module (refreshes ahead of expiry, retries,
 * start-up prefetches) on ONE timer of the module's clock, set for the earliest task: ten
 * thousand accounts cost one timer, not ten thousand. At most `refreshesPerSecond` tasks start
 * per second; the rest wait their turn in due order, so many accounts never reach WeChat in a
 * burst. All are dropped when the module closes.
 *
 * The library never imports `ScheduleModule.forRoot()` (that would explore and schedule the app's
 * own `@Interval`/`@Cron` methods a second time); when the app uses `@nestjs/schedule`, each task
 * is also listed by name in the app's `SchedulerRegistry` (removing it there does not stop it:
 * the library's refreshes are not the app's to cancel by accident).
 */
@Injectable()
export class RefreshScheduler implements OnModuleInit, OnModuleDestroy {
  private readonly queue = new DueQueue<() => void>();
  private readonly listed = new Map<string, ClockTimer>();
  private timer?: { handle: ClockTimer; at: number };
  /** When the latest tasks started, oldest first: at most `refreshesPerSecond` of them. */
  private readonly recentStarts: number[] = [];
  private registry?: TimeoutRegistry;
  private closed = false;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(WECHAT_SHARED_OPTIONS) private readonly options: ResolvedSharedOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    this.registry = await findAppSchedulerRegistry(this.moduleRef);
    // Tasks scheduled before the registry was found are listed now.
    for (const name of this.queue.names()) this.list(name);
  }

  /** Runs `task` in `delayMs` (or later, past the rate limit), replacing any task of that name. */
  schedule(name: string, delayMs: number, task: () => void): void {
    if (this.closed) return;
    this.unlist(name);
    const dueAt = this.options.clock.now() + Math.max(0, delayMs);
    this.queue.put(name, dueAt, task);
    this.list(name);
    if (!this.timer || dueAt < this.timer.at) this.arm(dueAt);
  }

  cancel(name: string): void {
    if (!this.queue.remove(name)) return;
    this.unlist(name);
    // The timer stays set for the removed task: it then finds nothing due and sets itself anew.
  }

  /** The names of the tasks now pending. */
  names(): string[] {
    return this.queue.names();
  }

  /** Clock timers the scheduler holds: 0 or 1, however many tasks are pending. */
  get activeTimers(): number {
    return this.timer ? 1 : 0;
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.timer?.handle.cancel();
    this.timer = undefined;
    for (const name of this.queue.names()) this.cancel(name);
  }

  private arm(at: number): void {
    this.timer?.handle.cancel();
    const handle = this.options.clock.setTimer(at - this.options.clock.now(), () => this.fire());
    this.timer = { handle, at };
  }

  private fire(): void {
    this.timer = undefined;
    if (this.closed) return;
    const now = this.options.clock.now();
    const starts = this.recentStarts;
    while (starts.length > 0 && now - starts[0]! >= RATE_WINDOW_MS) starts.shift();
    const due: (() => void)[] = [];
    // A sliding second: never more than refreshesPerSecond starts within any 1000 ms.
    while (starts.length < this.options.refreshesPerSecond) {
      const next = this.queue.takeDue(now);
      if (!next) break;
      this.unlist(next.name);
      starts.push(now);
      due.push(next.value);
    }
    const earliest = this.queue.earliest();
    if (earliest !== undefined) {
      // Past the rate limit, what is due waits until the oldest start leaves the window.
      this.arm(earliest <= now ? starts[0]! + RATE_WINDOW_MS : earliest);
    }
    for (const task of due) task();
  }

  private list(name: string): void {
    if (!this.registry || this.registry.doesExist('timeout', name)) return;
    const entry: ClockTimer = { cancel: () => this.cancel(name) };
    this.listed.set(name, entry);
    this.registry.addTimeout(name, entry);
  }

  private unlist(name: string): void {
    const entry = this.listed.get(name);
    if (!entry) return;
    this.listed.delete(name);
    // The app may have removed (or replaced) the entry itself: only ours is deleted.
    if (this.registry?.doesExist('timeout', name) && this.registry.getTimeout(name) === entry) {
      this.registry.deleteTimeout(name);
    }
  }
}
