import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/** Named one-shot timers in the `SchedulerRegistry`, all cleared when the module closes. */
@Injectable()
export class RefreshScheduler implements OnModuleDestroy {
  private readonly names = new Set<string>();
  private closed = false;

  constructor(private readonly registry: SchedulerRegistry) {}

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
    this.registry.addTimeout(name, handle);
    this.names.add(name);
  }

  cancel(name: string): void {
    if (!this.names.delete(name)) return;
    if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
  }

  onModuleDestroy(): void {
    this.closed = true;
    for (const name of [...this.names]) this.cancel(name);
  }
}
