/** What a call in flight listens to for the module's shutdown. */
export interface StopSignal {
  readonly aborted: boolean;
  /** Calls `listener` once when stopped (at once if stopped already); returns its removal. */
  onAbort(listener: () => void): () => void;
}

/**
 * The module's shutdown, heard by every call in flight. Listeners live in a Set: adding or
 * removing one costs the same with ten thousand calls in flight, where an `AbortSignal` walks
 * its whole listener list on each add (thousands of accounts calling at once stalled the event
 * loop for seconds).
 */
export class ShutdownSignal implements StopSignal {
  private readonly listeners = new Set<() => void>();
  private stopped = false;

  get aborted(): boolean {
    return this.stopped;
  }

  onAbort(listener: () => void): () => void {
    if (this.stopped) {
      listener();
      return () => undefined;
    }
    // Wrapped: the same function may listen for two calls.
    const entry = () => listener();
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  abort(): void {
    if (this.stopped) return;
    this.stopped = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }
}
