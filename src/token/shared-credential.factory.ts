import { Logger } from '@nestjs/common';
import { maxTotalBackoff } from '../common/retry.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { type CredentialStore } from '../store/credential-store.interface.js';
import { accountKey } from '../store/account-keys.js';
import { WECHAT_NAMESPACE } from '../wechat.constants.js';
import { RefreshScheduler } from './refresh-scheduler.js';
import { claimCredential } from './rival-holders.js';
import { type CredentialSpec, SharedCredential } from './shared-credential.js';

const LEASE_MARGIN_MS = 1000;
const MAX_BACKGROUND_RETRY_DELAY_MS = 30_000;

/**
 * Builds the `SharedCredential`s of an account (access_token, tickets) on one store and clock,
 * and closes them before the store closes.
 */
export class SharedCredentialFactory {
  private readonly created: SharedCredential[] = [];
  private readonly claims: { release(): void }[] = [];

  constructor(
    private readonly options: ResolvedWeChatOptions,
    private readonly store: CredentialStore,
    private readonly scheduler: RefreshScheduler,
  ) {}

  create(label: string, upstream: string, fetch: CredentialSpec['fetch']): SharedCredential {
    const { appId, apiBaseUrls, retry, httpTimeoutMs, token } = this.options;
    const storeKey = accountKey(appId, label);
    const logger = new Logger(`WeChat:${label}`);
    const claim = claimCredential(storeKey, this.store);
    this.claims.push(claim);
    if (claim.rivals > 0) {
      logger.warn(
        `Another WeChatModule in this process holds the ${label} of ${appId} in a store of its own: ` +
          "each fetches its own from WeChat and invalidates the other's. Import one module " +
          '(isGlobal: true, or export it from a module of yours), or give them one store.',
      );
    }
    // The lease must outlast the slowest fetch: every attempt timing out on every host, plus
    // every backoff. `httpTimeoutMs` bounds an attempt as a whole (connection, headers and body,
    // however slowly it is drip-fed), so this is the worst case.
    const leaseMs =
      retry.attempts * apiBaseUrls.length * httpTimeoutMs +
      maxTotalBackoff(retry) +
      LEASE_MARGIN_MS;
    const credential = new SharedCredential(
      {
        label,
        storeKey,
        timerName: `${WECHAT_NAMESPACE}:${appId}:${label}:refresh`,
        upstream,
        fetch,
      },
      this.store,
      this.scheduler,
      {
        refreshAheadMs: token.refreshAheadSeconds * 1000,
        failureCooldownMs: token.failureCooldownSeconds * 1000,
        leaseMs,
        retryDelayMs: Math.min(
          MAX_BACKGROUND_RETRY_DELAY_MS,
          Math.max(1000, retry.baseDelayMs * 4),
        ),
      },
      logger,
      this.options.clock,
    );
    this.created.push(credential);
    return credential;
  }

  /**
   * Refreshes stop; a fetch in flight finishes (within the grace) and stores its credential. Called
   * as shutdown starts and again just before the store closes (requests served while the app was
   * closing may have started a fetch since).
   */
  async close(): Promise<void> {
    const { shutdownGraceMs } = this.options;
    await Promise.all(this.created.map((credential) => credential.close(shutdownGraceMs)));
  }

  /** Lets go of the store's listeners and this process's claims: the account is gone. */
  forget(): void {
    for (const credential of this.created) credential.forget();
    for (const claim of this.claims.splice(0)) claim.release();
  }
}
