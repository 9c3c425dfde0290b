import { randomUUID } from 'node:crypto';
import { type WeChatClock } from '../clock/wechat-clock.js';
import { accountKey } from '../store/account-keys.js';
import { type CredentialStore } from '../store/credential-store.interface.js';

// The credentials an account keeps in the store (see SharedCredentialFactory's labels).
const CREDENTIAL_LABELS = ['access_token', 'jsapi_ticket'];
// Long enough for every instance to hear of it; the notice itself is all that matters.
const NOTICE_TTL_MS = 60_000;

/**
 * Removal of an account across the cluster: its credentials are deleted from the store, and a
 * notice written there makes every instance that holds the account forget it.
 */
export class AccountRemoval {
  constructor(
    private readonly store: CredentialStore,
    private readonly clock: WeChatClock,
  ) {}

  /** Calls `listener` when another instance removes the account `appId`; returns the stop. */
  watch(appId: string, listener: () => void): (() => void) | undefined {
    return this.store.watch?.(accountKey(appId, 'removed'), listener) ?? undefined;
  }

  /** Deletes the account's credentials and tells every instance to forget it. */
  async announce(appId: string): Promise<void> {
    for (const label of CREDENTIAL_LABELS) {
      const key = accountKey(appId, label);
      const stored = await this.store.get(key);
      if (stored) await this.store.deleteIfValue(key, stored.value);
    }
    const now = this.clock.now();
    await this.store.set(accountKey(appId, 'removed'), {
      value: randomUUID(),
      fetchedAt: now,
      expiresAt: now + NOTICE_TTL_MS,
    });
  }
}
