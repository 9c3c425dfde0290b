import { AccountHttp } from '../api/wechat-http.js';
import {
  type ResolvedWeChatOptions,
  type TokenSource,
} from '../options/wechat-module-options.interface.js';
import { type CredentialStore } from '../store/credential-store.interface.js';
import { AccessTokenFetcher } from './access-token.fetcher.js';
import { type CredentialStatus, type SharedCredential } from './shared-credential.js';
import { SharedCredentialFactory } from './shared-credential.factory.js';

/** The token's state for dashboards and health checks; never the token itself. */
export interface TokenStatus extends CredentialStatus {
  appId: string;
  source: TokenSource;
}

/** `TokenStatus` plus the cluster-wide figures. */
export interface TokenStats extends TokenStatus {
  /** Upstream token fetches today (Beijing day) by every instance sharing the store. */
  fetchesToday: number;
  /** True while the shared store is unreachable and this instance works on its own. */
  storeDegraded: boolean;
  /** Why the shared store refuses writes (a full Redis, a read-only replica), if it does. */
  storeRefusal?: string;
}

/** The account's global access_token: one for the whole cluster, refreshed ahead of expiry. */
export class TokenService {
  private readonly credential: SharedCredential;

  constructor(
    private readonly options: ResolvedWeChatOptions,
    http: AccountHttp,
    credentials: SharedCredentialFactory,
    private readonly store: CredentialStore,
  ) {
    const fetcher = new AccessTokenFetcher(http, options, store);
    this.credential = credentials.create('access_token', fetcher.path, (force) =>
      fetcher.fetch(force),
    );
  }

  /** The current access_token, from memory while it is fresh. */
  getAccessToken(): Promise<string> {
    return this.credential.get();
  }

  /** Gets a new token unless a fresh one is at hand; `force` fetches one regardless. */
  refresh(options?: { force?: boolean }): Promise<string> {
    return this.credential.refresh(options?.force === true);
  }

  /** Compare-and-expire: drops `token` only if it is still the current one; true when it did. */
  invalidate(token: string): Promise<boolean> {
    return this.credential.invalidate(token);
  }

  /** When the token was fetched, when it expires and refreshes, fetch counts, the last error. */
  status(): TokenStatus {
    return {
      appId: this.options.appId,
      source: this.options.token.source,
      ...this.credential.status(),
    };
  }

  /** `status()` plus what the cluster shares: today's upstream fetches and the store's health. */
  async stats(): Promise<TokenStats> {
    const fetchesToday = await this.credential.fetchesToday();
    return {
      ...this.status(),
      fetchesToday,
      storeDegraded: this.store.isDegraded?.() ?? false,
      storeRefusal: this.store.refusal?.(),
    };
  }
}
