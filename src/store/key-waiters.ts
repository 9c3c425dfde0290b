import { systemClock, type WeChatClock } from '../clock/wechat-clock.js';

/** Promises waiting for a key to change, each resolved by a wake-up or its own timeout. */
export class KeyWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(private readonly clock: WeChatClock = systemClock) {}

  /** Resolves when `wake(key)` is called, or after `timeoutMs`. */
  wait(key: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiting.get(key) ?? new Set();
      this.waiting.set(key, waiters);
      const done = () => {
        timer.cancel();
        waiters.delete(done);
        if (waiters.size === 0) this.waiting.delete(key);
        resolve();
      };
      const timer = this.clock.setTimer(timeoutMs, done);
      waiters.add(done);
    });
  }

  wake(key: string): void {
    for (const done of [...(this.waiting.get(key) ?? [])]) done();
  }

  wakeAll(): void {
    for (const key of [...this.waiting.keys()]) this.wake(key);
  }
}
