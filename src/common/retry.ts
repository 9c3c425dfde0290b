import { type StopSignal } from '../http/shutdown-signal.js';

/** How often and how patiently a failing call is repeated. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the first retry; doubled for each further one. */
  baseDelayMs: number;
}

/** Delay before retry number `retry` (1-based), with ±20% jitter so instances spread out. */
function backoffDelay(policy: RetryPolicy, retry: number): number {
  const jitter = 0.8 + Math.random() * 0.4;
  return Math.round(policy.baseDelayMs * 2 ** (retry - 1) * jitter);
}

/** The longest the retries of one call can sleep in all. */
export function maxTotalBackoff(policy: RetryPolicy): number {
  let total = 0;
  for (let retry = 1; retry < policy.attempts; retry++)
    total += policy.baseDelayMs * 2 ** (retry - 1);
  return Math.ceil(total * 1.2);
}

/**
 * Runs `task`, repeating it with exponential backoff while `isRetryable` says so; once `stop` is
 * aborted, no backoff is waited out and no attempt is made any more.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  isRetryable: (error: unknown) => boolean,
  task: () => Promise<T>,
  stop?: StopSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error) || stop?.aborted) throw error;
      await backoff(backoffDelay(policy, attempt), stop);
      if (stop?.aborted) throw error;
    }
  }
}

function backoff(ms: number, stop?: StopSignal): Promise<void> {
  return new Promise((resolve) => {
    let stopListening: (() => void) | undefined;
    const timer = setTimeout(done, ms);
    stopListening = stop?.onAbort(done);
    function done() {
      clearTimeout(timer);
      stopListening?.();
      stopListening = undefined;
      resolve();
    }
  });
}
