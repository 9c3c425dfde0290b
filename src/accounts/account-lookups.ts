import { withinDeadline } from '../common/within-deadline.js';
import { type WeChatClock } from '../clock/wechat-clock.js';
import {
  type WeChatAccountOptions,
  type WeChatAccountSource,
} from '../options/wechat-module-options.interface.js';
import { WeChatAccountNotFoundError } from './wechat-account-not-found.error.js';
import { WeChatAccountSourceError } from './wechat-account-source.error.js';

// A key the source did not know (or answered wrongly for) is asked again only after this long:
// made-up appIds in push URLs or callbacks must not turn into one database query each.
const MISS_TTL_MS = 10_000;
const MAX_MISSES = 10_000;

/**
 * Asks the app's `accountSource`: one lookup per key at a time, each within `timeoutMs`, and a
 * failed one remembered for a while (the oldest forgotten first past `MAX_MISSES`).
 */
export class AccountLookups {
  private readonly inFlight = new Map<string, Promise<WeChatAccountOptions>>();
  private readonly misses = new Map<string, { until: number; error: Error }>();

  constructor(
    private readonly source: WeChatAccountSource,
    private readonly clock: WeChatClock,
    private readonly timeoutMs: number,
  ) {}

  /** What the source answers for `key`; rejects with the remembered miss, or the new one. */
  find(key: string): Promise<WeChatAccountOptions> {
    const miss = this.misses.get(key);
    if (miss && miss.until > this.clock.now()) return Promise.reject(miss.error);
    if (miss) this.misses.delete(key);
    let lookup = this.inFlight.get(key);
    if (!lookup) {
      lookup = this.ask(key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, lookup);
    }
    return lookup;
  }

  /** Answers `error` for `key` until the miss expires (an answer found invalid, say). */
  remember(key: string, error: Error): void {
    this.misses.delete(key);
    if (this.misses.size >= MAX_MISSES) this.misses.delete(this.misses.keys().next().value!);
    this.misses.set(key, { until: this.clock.now() + MISS_TTL_MS, error });
  }

  /** Forgets what is remembered of `key` (the account was removed, or added). */
  forget(key: string): void {
    this.misses.delete(key);
  }

  private async ask(key: string): Promise<WeChatAccountOptions> {
    let found: WeChatAccountOptions | undefined;
    try {
      found = await withinDeadline(
        Promise.resolve().then(() => this.source.find(key)),
        this.timeoutMs,
        () => new Error(`no answer within ${this.timeoutMs} ms`),
      );
    } catch (error) {
      // Not remembered: the source may answer the next request.
      throw new WeChatAccountSourceError(key, 'unavailable', (error as Error).message);
    }
    if (found === undefined || found === null) {
      const missing = new WeChatAccountNotFoundError(key);
      this.remember(key, missing);
      throw missing;
    }
    return found;
  }
}
