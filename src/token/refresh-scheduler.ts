import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { findAppSchedulerRegistry, type TimeoutRegistry } from './app-scheduler-registry.js';

/**
 * Named one-shot timers owned by the library, all cleared when the module closes. The library
 * never imports `ScheduleModule.forRoot()` (that would explore and schedule the app's own
 * `@Interval`/`@Cron` methods a second time); when the app uses `@nestjs/schedule`, the timers
 * are also listed by name in the app's `SchedulerRegistry`.
 */
@Injectable()
export class RefreshScheduler implements OnModuleInit, OnModuleDestroy {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private registry?: TimeoutRegistry;
  private closed = false;

  constructor(private readonly moduleRef: ModuleRef) {}

  async onModuleInit(): Promise<void> {
    this.registry = await findAppSchedulerRegistry(this.moduleRef);
    // Timers scheduled before the registry was found are listed now.
    for (const [name, handle] of this.timers) this.list(name, handle);
  }

  /** Runs `task` in `delayMs`, replacing any timer of the same name. */
  schedule(name: string, delayMs: number, task: () => void): void {
    if (this.closed) return;
    this.cancel(name);
    const handle = setTimeout(
      () => {
        this.cancel(name);
        task();
      },
      Math.max(0, delayMs),
    );
    // A refresh timer alone must not keep a process alive.
    handle.unref();
    this.timers.set(name, handle);
    this.list(name, handle);
  }

  cancel(name: string): void {
    const handle = this.timers.get(name);
    if (!handle) return;
    this.timers.delete(name);
    clearTimeout(handle);
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

  private list(name: string, handle: NodeJS.Timeout): void {
    if (!this.registry || this.registry.doesExist('timeout', name)) return;
    this.registry.addTimeout(name, handle);
  }
}
