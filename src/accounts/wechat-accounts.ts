import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WeChatArgumentError } from '../api/wechat-api.error.js';
import { WeChatHttp } from '../api/wechat-http.js';
import { resolveAccount } from '../options/resolve-account-options.js';
import {
  type ResolvedModuleOptions,
  type ResolvedWeChatOptions,
  type WeChatAccountOptions,
} from '../options/wechat-module-options.interface.js';
import { PushHandlerExplorer } from '../push/push-handler.explorer.js';
import { CREDENTIAL_STORE, type CredentialStore } from '../store/credential-store.interface.js';
import { RefreshScheduler } from '../token/refresh-scheduler.js';
import { WECHAT_MODULE_RESOLVED } from '../wechat.constants.js';
import { AccountLookups } from './account-lookups.js';
import { AccountRemoval } from './account-removal.js';
import { WeChatAccountSourceError } from './wechat-account-source.error.js';
import { type AccountInfrastructure, WeChatAccount } from './wechat-account.js';
import { WeChatAccountNotFoundError } from './wechat-account-not-found.error.js';

// Names are A-Za-z0-9_-; appIds (`wx` and 16 hex digits at WeChat) are printable ASCII here.
const ACCOUNT_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * The module's accounts: those listed in `accounts` (or the one account), and those an
 * `accountSource` finds on first use, cached until removed. `get('shop')` or `get(appId)`.
 */
@Injectable()
export class WeChatAccounts
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly byAppId = new Map<string, WeChatAccount>();
  private readonly byName = new Map<string, WeChatAccount>();
  private readonly lookups?: AccountLookups;
  /** Bumped by each removal: a source lookup that began before it does not admit its account. */
  private removals = 0;
  private readonly removalWatches = new Map<WeChatAccount, () => void>();
  private readonly listed: WeChatAccount[];
  private readonly infrastructure: AccountInfrastructure;
  private readonly removal: AccountRemoval;
  private readonly logger = new Logger('WeChat:accounts');

  constructor(
    @Inject(WECHAT_MODULE_RESOLVED) private readonly options: ResolvedModuleOptions,
    @Inject(CREDENTIAL_STORE) store: CredentialStore,
    scheduler: RefreshScheduler,
    http: WeChatHttp,
    adapterHost: HttpAdapterHost,
    explorer: PushHandlerExplorer,
  ) {
    this.infrastructure = {
      store,
      scheduler,
      http,
      adapterHost,
      pushHandlers: (account) => explorer.handlers.lookup(account),
    };
    this.removal = new AccountRemoval(store, options.shared.clock);
    const { source, shared } = options;
    this.lookups = source && new AccountLookups(source, shared.clock, shared.httpTimeoutMs);
    this.listed = options.accounts.map((account) => this.admit(account));
  }

  /**
   * The default account: the one account, or the first of `accounts`; undefined in a module with
   * only an `accountSource`.
   */
  get default(): WeChatAccount | undefined {
    return this.listed[0];
  }

  /** Whether any account may sign users in (`oauth` on an account, or the module's default). */
  get authorizesWeb(): boolean {
    const { accounts, accountDefaults } = this.options;
    return accounts.some((a) => a.oauth) || accountDefaults.oauth !== undefined;
  }

  /**
   * The account with this name or appId: a listed one, one found before, or one the
   * `accountSource` finds now. Rejects with `WeChatAccountNotFoundError` when there is none.
   */
  async get(nameOrAppId: string): Promise<WeChatAccount> {
    const known = this.find(nameOrAppId);
    if (known) return known;
    if (!this.lookups) throw new WeChatAccountNotFoundError(nameOrAppId);
    const removals = this.removals;
    const given = await this.lookups.find(nameOrAppId);
    // Found meanwhile (by another key, or another caller).
    const found = this.find(nameOrAppId);
    if (found) return found;
    // Removed while the source was asked: what it answered may be gone from it already.
    if (removals !== this.removals) throw new WeChatAccountNotFoundError(nameOrAppId);
    try {
      return this.admitFromSource(nameOrAppId, given);
    } catch (error) {
      this.lookups.remember(nameOrAppId, error as Error);
      if (error instanceof WeChatAccountSourceError) this.logger.error(error.message);
      throw error;
    }
  }

  /** The account with this appId or name if this process has it already (no source lookup). */
  find(nameOrAppId: string): WeChatAccount | undefined {
    checkKey(nameOrAppId);
    return this.byAppId.get(nameOrAppId) ?? this.byName.get(nameOrAppId);
  }

  /** The shared store's state: unreachable (this instance on its own), or refusing writes. */
  storeState(): { degraded: boolean; refusal?: string } {
    const { store } = this.infrastructure;
    return { degraded: store.isDegraded?.() ?? false, refusal: store.refusal?.() };
  }

  /** The accounts this process holds now: the listed ones and those found so far. */
  list(): WeChatAccount[] {
    return [...this.byAppId.values()];
  }

  /**
   * Removes the account everywhere in the cluster: its refreshes stop and its credentials are
   * forgotten on every instance, and deleted from the store. A later `get` asks the source anew.
   * Resolves to false when no instance here knew it (the store is cleared all the same).
   */
  async remove(nameOrAppId: string): Promise<boolean> {
    const account = this.find(nameOrAppId);
    if (account && account === this.default) {
      throw new WeChatArgumentError(
        'account',
        `${JSON.stringify(nameOrAppId)} is the default account (TokenService, UserClient, … are its): it cannot be removed`,
      );
    }
    this.removals += 1;
    this.lookups?.forget(nameOrAppId);
    if (account) this.forget(account);
    // Other instances listen by appId: a name unknown here is turned into one by the source.
    const appId = account?.appId ?? (await this.appIdOf(nameOrAppId));
    if (appId !== undefined) await this.removal.announce(appId);
    return account !== undefined;
  }

  onApplicationBootstrap(): void {
    for (const account of this.listed) if (account.options.token.prefetch) account.prefetch();
  }

  /** Refreshes stop; fetches in flight are stored (within the grace). */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.list().map((account) => account.close()));
  }

  /** Once more (requests served while closing), then every account lets go of the store. */
  async onApplicationShutdown(): Promise<void> {
    await this.onModuleDestroy();
    for (const account of this.list()) this.forget(account);
  }

  // The source's answer for `key`, checked: valid options, the very account asked for, no clash.
  private admitFromSource(key: string, given: WeChatAccountOptions): WeChatAccount {
    const { shared, accountDefaults, callbackPath, pushPath } = this.options;
    let resolved: ResolvedWeChatOptions;
    try {
      resolved = resolveAccount(
        given,
        { shared, defaults: accountDefaults, form: 'accounts', callbackPath, pushPath },
        `accountSource.find(${JSON.stringify(key)})`,
      );
    } catch (error) {
      throw new WeChatAccountSourceError(key, 'invalid', (error as Error).message);
    }
    if (resolved.appId !== key && resolved.name !== key) {
      // Not an account of that key (a case-insensitive lookup, say): for the caller, none.
      this.logger.warn(
        `accountSource.find(${JSON.stringify(key)}) answered the account ${resolved.appId} (${resolved.name}), which has neither that appId nor that name: treated as not found`,
      );
      throw new WeChatAccountNotFoundError(key);
    }
    const existing = this.byAppId.get(resolved.appId);
    if (existing) return existing;
    const clash = this.byName.get(resolved.name) ?? this.byAppId.get(resolved.name);
    const taken = this.byName.get(resolved.appId);
    const cookieClash = resolved.oauth && this.cookieOwner(resolved.oauth.cookie.name);
    if (clash || taken || cookieClash) {
      const other = (clash ?? taken ?? cookieClash)!;
      throw new WeChatAccountSourceError(
        key,
        'invalid',
        `answered ${resolved.appId} (${resolved.name}), whose appId, name or session cookie is account ${other.appId}'s (${other.name})`,
      );
    }
    return this.admit(resolved);
  }

  private cookieOwner(cookieName: string): WeChatAccount | undefined {
    const names = (account: WeChatAccount) => {
      const own = account.options.oauth?.cookie.name;
      return own === undefined ? [] : [own, `${own}_oauth`];
    };
    return this.list().find((account) =>
      names(account).some((name) => name === cookieName || name === `${cookieName}_oauth`),
    );
  }

  // The appId of an account known by name only to the source. Names never begin with 'wx', so
  // such a key is an appId already.
  private async appIdOf(key: string): Promise<string | undefined> {
    if (!this.lookups || /^wx/i.test(key)) return key;
    try {
      const found = await this.lookups.find(key);
      return typeof found.appId === 'string' && found.appId !== '' ? found.appId : key;
    } catch (error) {
      if (error instanceof WeChatAccountNotFoundError) return key;
      throw error;
    } finally {
      this.lookups.forget(key);
    }
  }

  private admit(options: ResolvedWeChatOptions): WeChatAccount {
    const account = new WeChatAccount(options, this.infrastructure);
    this.byAppId.set(account.appId, account);
    this.byName.set(account.name, account);
    const stop = this.removal.watch(account.appId, () => {
      if (this.byAppId.get(account.appId) === account && account !== this.default) {
        this.forget(account);
      }
    });
    if (stop) this.removalWatches.set(account, stop);
    return account;
  }

  private forget(account: WeChatAccount): void {
    if (this.byAppId.get(account.appId) === account) this.byAppId.delete(account.appId);
    if (this.byName.get(account.name) === account) this.byName.delete(account.name);
    const listedAt = this.listed.indexOf(account);
    if (listedAt >= 0) this.listed.splice(listedAt, 1);
    this.removalWatches.get(account)?.();
    this.removalWatches.delete(account);
    account.forget();
  }
}

/** Whether `key` can name an account (a name or an appId): 1-128 printable ASCII characters. */
export function isAccountKey(key: string): boolean {
  return ACCOUNT_KEY.test(key);
}

function checkKey(nameOrAppId: string): void {
  if (typeof nameOrAppId !== 'string' || !isAccountKey(nameOrAppId)) {
    throw new WeChatArgumentError(
      'account',
      'must be a name or appId (1-128 printable characters)',
    );
  }
}
