import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { TokenService } from '../token/token.service.js';

/**
 * A `@nestjs/terminus` health indicator: `up` while the access_token can be obtained, `degraded`
 * while the shared store (Redis) is unreachable and the instance works on its own or refuses
 * writes (full, read-only), `down` when no token can be had (the message says why).
 */
@Injectable()
export class WeChatHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly tokens: TokenService,
  ) {}

  /** Checks the token under `key` (default `wechat`). */
  async isHealthy(key = 'wechat'): Promise<HealthIndicatorResult> {
    const session = this.health.check(key);
    try {
      await this.tokens.getAccessToken();
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
    const stats = await this.tokens.stats();
    const details = {
      appId: stats.appId,
      source: stats.source,
      expiresAt: stats.expiresAt?.toISOString(),
      fetchesToday: stats.fetchesToday,
    };
    const problem = stats.storeRefusal
      ? `shared store refuses writes: ${stats.storeRefusal}`
      : stats.storeDegraded && 'shared store unreachable: working on its own';
    if (!problem) return session.up(details);
    const degraded = { ...details, message: problem };
    // @nestjs/terminus 11 has no `degraded` status: there the indicator is up, marked degraded.
    return typeof session.degraded === 'function'
      ? session.degraded(degraded)
      : session.up({ ...degraded, degraded: true });
  }
}
