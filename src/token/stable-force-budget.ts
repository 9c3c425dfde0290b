import { accountKey } from '../store/account-keys.js';
import { type WeChatClock } from '../clock/wechat-clock.js';
import { BeijingDayCounter } from '../store/beijing-day-counter.js';
import { type CredentialStore } from '../store/credential-store.interface.js';

const FORCES_PER_DAY = 20;
const SPACING_MS = 30_000;

/**
 * WeChat allows 20 forced stable_token refreshes a day per account, 30 s apart (a closer one
 * silently does nothing). Counted in the store, so the whole cluster stays inside them; outside
 * them a normal-mode call is made instead.
 */
export class StableForceBudget {
  private readonly forcesToday: BeijingDayCounter;

  constructor(
    private readonly store: CredentialStore,
    private readonly appId: string,
    clock: WeChatClock,
  ) {
    this.forcesToday = new BeijingDayCounter(store, accountKey(appId, 'stable-force'), clock);
  }

  /** True, and counted, when a forced refresh may be spent now. */
  async take(): Promise<boolean> {
    try {
      // A lease nobody releases: it runs out after the spacing, and until then no one forces.
      const spaced = await this.store.acquireLock(
        accountKey(this.appId, 'stable-force:spacing'),
        SPACING_MS,
      );
      if (!spaced) return false;
      return (await this.forcesToday.increment()) <= FORCES_PER_DAY;
    } catch {
      // A store that cannot count cannot allow a force: normal mode is always safe.
      return false;
    }
  }
}
