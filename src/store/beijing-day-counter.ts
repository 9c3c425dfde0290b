import { type WeChatClock } from '../clock/wechat-clock.js';
import { beijingDay } from '../common/beijing-day.js';
import { type CredentialStore } from './credential-store.interface.js';

// A day's count outlives its day, so that an instance whose clock lags still reads it.
const TTL_MS = 2 * 86_400_000;

/** A count per Beijing day (WeChat's quota day) kept in the store, shared by the cluster. */
export class BeijingDayCounter {
  constructor(
    private readonly store: CredentialStore,
    private readonly key: string,
    private readonly clock: WeChatClock,
  ) {}

  /** Adds one to today's count; the new count. */
  increment(): Promise<number> {
    return this.store.increment(this.todayKey(), TTL_MS);
  }

  /** Today's count. */
  read(): Promise<number> {
    return this.store.readCounter(this.todayKey());
  }

  private todayKey(): string {
    return `${this.key}:${beijingDay(this.clock.now())}`;
  }
}
