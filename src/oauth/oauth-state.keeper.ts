import { accountKey } from '../store/account-keys.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { type CredentialStore } from '../store/credential-store.interface.js';
import { MemoryCredentialStore } from '../store/memory-credential-store.js';
import { StoreRefusedError } from '../store/store-refused.error.js';

/**
 * Makes each OAuth `state` good for one callback. A state is recorded only once it has passed
 * every other check (signed cookie of this browser, unexpired): requests that fail earlier cost
 * no storage, and nobody can spend another browser's state. Recorded in the shared store (Redis
 * when configured), so a replay on another instance is refused too.
 */
export class OAuthStateKeeper {
  private readonly refusedFallback: MemoryCredentialStore;

  constructor(
    private readonly options: ResolvedWeChatOptions,
    private readonly store: CredentialStore,
  ) {
    this.refusedFallback = new MemoryCredentialStore(options.clock);
  }

  /** True the first time `state` is spent; it is remembered until `expiresAt` (epoch ms). */
  async spend(state: string, expiresAt: number): Promise<boolean> {
    const ttlMs = Math.max(1, Math.ceil(expiresAt - this.options.clock.now()));
    try {
      return (await this.store.acquireLock(this.key(state), ttlMs)) !== undefined;
    } catch (error) {
      // A store refusing writes (full) cannot record it: this instance does, so a replay costs
      // at most one code exchange per instance (the code itself is single-use at WeChat).
      if (!(error instanceof StoreRefusedError)) throw error;
      return (await this.refusedFallback.acquireLock(this.key(state), ttlMs)) !== undefined;
    }
  }

  private key(state: string): string {
    return accountKey(this.options.appId, `oauth-state-spent:${state}`);
  }
}
