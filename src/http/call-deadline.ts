import { type StopSignal } from './shutdown-signal.js';

/**
 * The signal of one call: aborted once `ms` have passed, or as soon as `parent` (the module's
 * shutdown) aborts. `dispose()` when the call is over, so that no timer or listener outlives it.
 */
export class CallDeadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;
  private expired = false;
  private stopListening: () => void = () => undefined;

  constructor(
    readonly ms: number,
    private readonly parent: StopSignal,
  ) {
    this.timer = this.start();
    this.stopListening = parent.onAbort(() => this.controller.abort());
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the time ran out (and not because the parent aborted first). */
  get timedOut(): boolean {
    return this.expired && !this.parent.aborted;
  }

  /** Resolves `work`, or rejects as soon as the deadline passes or the parent aborts. */
  race<T>(work: Promise<T>): Promise<T> {
    const signal = this.signal;
    if (signal.aborted) return Promise.reject(new Error('aborted'));
    return new Promise<T>((resolve, reject) => {
      const abort = () => reject(new Error('aborted'));
      signal.addEventListener('abort', abort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
    });
  }

  /** Gives the call its whole time again, from now (an upload still making progress). */
  restart(): void {
    if (this.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = this.start();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.stopListening();
  }

  private start(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, this.ms);
    // The socket keeps the process alive while the call waits; the deadline alone must not.
    timer.unref();
    return timer;
  }
}
