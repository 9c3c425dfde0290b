import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type ClockTimer } from '../clock/wechat-clock.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_OPTIONS } from '../wechat.constants.js';
import { findAppSchedulerRegistry, type TimeoutRegistry } from './app-scheduler-registry.js';

/**
 * Named one-shot timers owned by the library, set on the module's clock and all cleared when the
 * module closes. The library
 * never imports `ScheduleModule.forRoot()` (that would explore and schedule the app's own
 * `@Interval`/`@Cron` methods a second time); when the app uses `@nestjs/schedule`, the timers
 * are also listed by name in the app's `SchedulerRegistry` (removing one there does not stop it:
 * the library's refreshes are not the app's to cancel by accident).
 */
@Injectable()
export class RefreshScheduler implements OnModuleInit, OnModuleDestroy {
  private readonly timers = new Map<string, ClockTimer>();
  private registry?: TimeoutRegistry;
  private closed = false;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(WECHAT_OPTIONS) private readonly options: ResolvedWeChatOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    this.registry = await findAppSchedulerRegistry(this.moduleRef);
    // Timers scheduled before the registry was found are listed now.
    for (const [name, handle] of this.timers) this.list(name, handle);
  }

  /** Runs `task` in `delayMs`, replacing any timer of the same name. */
  schedule(name: string, delayMs: number, task: () => void): void {
    if (this.closed) return;
    this.cancel(name);
    const handle = this.options.clock.setTimer(delayMs, () => {
      this.cancel(name);
      task();
    });
    this.timers.set(name, handle);
    this.list(name, handle);
  }

  cancel(name: string): void {
    const handle = this.timers.get(name);
    if (!handle) return;
    this.timers.delete(name);
    handle.cancel();
    // The app may have removed (or replaced) the entry itself: only ours is deleted.
    if (this.registry?.doesExist('timeout', name) && this.registry.getTimeout(name) === handle) {
      this.registry.deleteTimeout(name);
    }
  }

  /** The names of the timers now pending. */
  names(): string[] {
    return [...this.timers.keys()];
  }

  onModuleDestroy(): void {
    this.closed = true;
    for (const name of [...this.timers.keys()]) this.cancel(name);
  }

  private list(name: string, handle: ClockTimer): void {
    if (!this.registry || this.registry.doesExist('timeout', name)) return;
    this.registry.addTimeout(name, handle);
  }
}
