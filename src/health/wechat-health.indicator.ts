import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { type WeChatAccount } from '../accounts/wechat-account.js';
import { WeChatAccounts } from '../accounts/wechat-accounts.js';

/**
 * A `@nestjs/terminus` health indicator: `up` while the access_token can be obtained, `degraded`
 * while the shared store (Redis) is unreachable and the instance works on its own or refuses
 * writes (full, read-only), `down` when no token can be had (the message says why). It checks
 * the default account's token, or the account given; a module with only an account source
 * reports the store alone.
 */
@Injectable()
export class WeChatHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly accounts: WeChatAccounts,
  ) {}

  /** Checks the token of `account` (default: the default account) under `key` (`wechat`). */
  async isHealthy(key = 'wechat', account?: WeChatAccount): Promise<HealthIndicatorResult> {
    const session = this.health.check(key);
    const chosen = account ?? this.accounts.default;
    let details: Record<string, unknown> = { accounts: this.accounts.list().length };
    if (chosen) {
      try {
        await chosen.tokens.getAccessToken();
      } catch (error) {
        return session.down({ message: (error as Error).message });
      }
      const stats = await chosen.tokens.stats();
      details = {
        appId: stats.appId,
        source: stats.source,
        expiresAt: stats.expiresAt?.toISOString(),
        fetchesToday: stats.fetchesToday,
      };
    }
    const store = this.accounts.storeState();
    const problem = store.refusal
      ? `shared store refuses writes: ${store.refusal}`
      : store.degraded && 'shared store unreachable: working on its own';
    if (!problem) return session.up(details);
    const degraded = { ...details, message: problem };
    // @nestjs/terminus 11 has no `degraded` status: there the indicator is up, marked degraded.
    return typeof session.degraded === 'function'
      ? session.degraded(degraded)
      : session.up({ ...degraded, degraded: true });
  }
}
