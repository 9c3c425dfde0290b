import {
  Inject,
  Injectable,
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
} from '../options/wechat-module-options.interface.js';
import { PushHandlerExplorer } from '../push/push-handler.explorer.js';
import { CREDENTIAL_STORE, type CredentialStore } from '../store/credential-store.interface.js';
import { RefreshScheduler } from '../token/refresh-scheduler.js';
import { WECHAT_MODULE_RESOLVED } from '../wechat.constants.js';
import { AccountRemoval } from './account-removal.js';
import { type AccountInfrastructure, WeChatAccount } from './wechat-account.js';
import { WeChatAccountNotFoundError } from './wechat-account-not-found.error.js';

// Names are A-Za-z0-9_-; appIds (`wx` and 16 hex digits at WeChat) are printable ASCII here.
const ACCOUNT_KEY = /^[\x21-\x7e]{1,128}$/;
// An account the source did not know is asked for again only after this long (a push endpoint
// or a callback hit with made-up appIds must not turn into one database query each).
const NOT_FOUND_TTL_MS = 10_000;
const MAX_NOT_FOUND = 10_000;

/**
 * The module's accounts: those listed in `accounts` (or the one account), and those an
 * `accountSource` finds on first use, cached until removed. `get('shop')` or `get(appId)`.
 */
@Injectable()
export class WeChatAccounts
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly byKey = new Map<string, WeChatAccount>();
  private readonly loading = new Map<string, Promise<WeChatAccount>>();
  private readonly notFound = new Map<string, number>();
  private readonly removalWatches = new Map<WeChatAccount, () => void>();
  private readonly listed: WeChatAccount[];
  private readonly infrastructure: AccountInfrastructure;
  private readonly removal: AccountRemoval;

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
    const source = this.options.source;
    if (!source) throw new WeChatAccountNotFoundError(nameOrAppId);
    const until = this.notFound.get(nameOrAppId);
    if (until !== undefined && until > this.options.shared.clock.now()) {
      throw new WeChatAccountNotFoundError(nameOrAppId);
    }
    let loading = this.loading.get(nameOrAppId);
    if (!loading) {
      loading = this.load(nameOrAppId).finally(() => this.loading.delete(nameOrAppId));
      this.loading.set(nameOrAppId, loading);
    }
    return loading;
  }

  /** The account with this name or appId if this process has it already (no source lookup). */
  find(nameOrAppId: string): WeChatAccount | undefined {
    checkKey(nameOrAppId);
    return this.byKey.get(nameOrAppId);
  }

  /** The shared store's state: unreachable (this instance on its own), or refusing writes. */
  storeState(): { degraded: boolean; refusal?: string } {
    const { store } = this.infrastructure;
    return { degraded: store.isDegraded?.() ?? false, refusal: store.refusal?.() };
  }

  /** The accounts this process holds now: the listed ones and those found so far. */
  list(): WeChatAccount[] {
    return [...new Set(this.byKey.values())];
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
    const appId = account?.appId ?? nameOrAppId;
    if (account) this.forget(account);
    await this.removal.announce(appId);
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

  private async load(key: string): Promise<WeChatAccount> {
    const given = await this.options.source!.find(key);
    if (!given) {
      if (this.notFound.size >= MAX_NOT_FOUND) this.notFound.clear();
      this.notFound.set(key, this.options.shared.clock.now() + NOT_FOUND_TTL_MS);
      throw new WeChatAccountNotFoundError(key);
    }
    const { shared, accountDefaults, callbackPath, pushPath } = this.options;
    const resolved = resolveAccount(
      given,
      { shared, defaults: accountDefaults, form: 'accounts', callbackPath, pushPath },
      `accountSource.find(${JSON.stringify(key)})`,
    );
    // Found under its name after being found under its appId (or the reverse): one account.
    const existing = this.byKey.get(resolved.appId);
    if (existing) return existing;
    const clash = this.byKey.get(resolved.name);
    if (clash) {
      throw new WeChatArgumentError(
        'accountSource',
        `found an account named ${JSON.stringify(resolved.name)}, a name account ${clash.appId} already has`,
      );
    }
    return this.admit(resolved);
  }

  private admit(options: ResolvedWeChatOptions): WeChatAccount {
    const account = new WeChatAccount(options, this.infrastructure);
    this.byKey.set(account.appId, account);
    this.byKey.set(account.name, account);
    const stop = this.removal.watch(account.appId, () => {
      if (this.byKey.get(account.appId) === account && account !== this.default) {
        this.forget(account);
      }
    });
    if (stop) this.removalWatches.set(account, stop);
    return account;
  }

  private forget(account: WeChatAccount): void {
    for (const key of [account.appId, account.name]) {
      if (this.byKey.get(key) === account) this.byKey.delete(key);
    }
    const listedAt = this.listed.indexOf(account);
    if (listedAt >= 0) this.listed.splice(listedAt, 1);
    this.removalWatches.get(account)?.();
    this.removalWatches.delete(account);
    account.forget();
  }
}

function checkKey(nameOrAppId: string): void {
  if (typeof nameOrAppId !== 'string' || !ACCOUNT_KEY.test(nameOrAppId)) {
    throw new WeChatArgumentError(
      'account',
      'must be a name or appId (1-128 printable characters)',
    );
  }
}
