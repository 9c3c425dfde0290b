/** A timer set on a `WeChatClock`. */
export interface ClockTimer {
  /** Stops the timer; harmless once it has fired. */
  cancel(): void;
}

/**
 * Where the library reads the time and sets its timers: token lifetimes and refresh-ahead timers,
 * failure cool-downs, in-memory leases and entries, session expiry, quota days. Waits on the
 * network (HTTP timeouts, retry backoff, Redis operation timeouts, the shutdown grace) stay on
 * real time. Default: `systemClock`; tests pass a `TestClock` from `nestjs-wechat/testing`.
 */
export interface WeChatClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `task` once, `delayMs` from now; the timer never keeps the process alive. */
  setTimer(delayMs: number, task: () => void): ClockTimer;
}

// setTimeout fires at once for any delay past this (2^31 - 1 ms, about 24.8 days).
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Real time: `Date.now()` and unref'd `setTimeout`s, chained for delays past 24.8 days. */
export const systemClock: WeChatClock = {
  now: () => Date.now(),
  setTimer(delayMs, task) {
    const dueAt = Date.now() + Math.max(0, delayMs);
    let handle: NodeJS.Timeout;
    const arm = () => {
      const remaining = dueAt - Date.now();
      handle = setTimeout(remaining > MAX_TIMEOUT_MS ? arm : task, clampDelay(remaining));
      handle.unref();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** A delay `setTimeout` honours: not negative, not past its limit, never NaN. */
export function clampDelay(delayMs: number): number {
  if (!(delayMs > 0)) return 0;
  return Math.min(delayMs, MAX_TIMEOUT_MS);
}

/** Whether `value` can serve as a clock (for option validation). */
export function isWeChatClock(value: unknown): value is WeChatClock {
  const clock = value as Partial<WeChatClock> | null;
  return (
    typeof clock === 'object' &&
    clock !== null &&
    typeof clock.now === 'function' &&
    typeof clock.setTimer === 'function'
  );
}
