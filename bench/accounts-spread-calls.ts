import { setTimeout as sleep } from 'node:timers/promises';
import { type WeChatAccount } from '../src/index.js';

const TICK_MS = 50;
// Calls still waiting this long after the last one was made are reported, not awaited: a
// machine that cannot keep up must not hold the bench for minutes of retries.
export const GRACE_MS = 5000;

/** What one process's callers saw. */
export interface SpreadCallsResult {
  calls: number;
  errors: number;
  /** Calls that had not settled `GRACE_MS` after the last call was made. */
  unfinished: number;
  firstError?: string;
}

/**
 * Asks for every account's token once a lifetime, the calls spread evenly over it, starting at a
 * random account (so that processes do not call in step), for `durationMs`.
 */
export async function callSpread(
  accounts: WeChatAccount[],
  lifetimeMs: number,
  durationMs: number,
): Promise<SpreadCallsResult> {
  const result: SpreadCallsResult = { calls: 0, errors: 0, unfinished: 0 };
  const inFlight = new Set<Promise<void>>();
  const offset = Math.floor(Math.random() * accounts.length);
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(performance.now() - started, durationMs);
      // The first call at once, then one every lifetime / N.
      const due = Math.floor((elapsed * accounts.length) / lifetimeMs) + 1;
      for (; result.calls < due; result.calls++) {
        const account = accounts[(offset + result.calls) % accounts.length];
        const call = account.tokens.getAccessToken().then(
          () => undefined,
          (error: Error) => {
            result.errors += 1;
            result.firstError ??= `${error.name}: ${error.message}`;
          },
        );
        inFlight.add(call);
        void call.finally(() => inFlight.delete(call));
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  await Promise.race([Promise.all(inFlight), sleep(GRACE_MS, undefined, { ref: false })]);
  return { ...result, unfinished: inFlight.size };
}
