/** The listeners of a `RedisConnection`, and how its implementations call them. */
export class RedisConnectionEvents {
  private readonly readyListeners = new Set<() => void>();
  private readonly errorListeners = new Set<(error: Error) => void>();
  private readonly resubscribedListeners = new Set<() => void>();

  onReady(listener: () => void): void {
    this.readyListeners.add(listener);
  }

  onError(listener: (error: Error) => void): void {
    this.errorListeners.add(listener);
  }

  onResubscribed(listener: () => void): void {
    this.resubscribedListeners.add(listener);
  }

  protected emitReady(): void {
    for (const listener of this.readyListeners) listener();
  }

  protected emitError(error: unknown): void {
    // node-redis's Sentinel emits some errors as plain strings.
    const reported = error instanceof Error ? error : new Error(String(error));
    for (const listener of this.errorListeners) listener(reported);
  }

  protected emitResubscribed(): void {
    for (const listener of this.resubscribedListeners) listener();
  }

  protected forgetListeners(): void {
    this.readyListeners.clear();
    this.errorListeners.clear();
    this.resubscribedListeners.clear();
  }
}
