import { type HttpAdapterHost } from '@nestjs/core';
import { AccountClient } from '../api/clients/account.client.js';
import { MediaClient } from '../api/clients/media.client.js';
import { MenuClient } from '../api/clients/menu.client.js';
import { MessageClient } from '../api/clients/message.client.js';
import { QrCodeClient } from '../api/clients/qrcode.client.js';
import { UserClient } from '../api/clients/user.client.js';
import { WeChatApiClient } from '../api/wechat-api.client.js';
import { AccountHttp, type WeChatHttp } from '../api/wechat-http.js';
import { JsSdkService } from '../jssdk/js-sdk.service.js';
import { OAuthStateKeeper } from '../oauth/oauth-state.keeper.js';
import { OAuthService } from '../oauth/oauth.service.js';
import { WeChatAuthenticator } from '../oauth/web-authenticator.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { type PushHandlerLookup } from '../push/push-handler.directory.js';
import { PushReceiver } from '../push/push-receiver.js';
import { type CredentialStore } from '../store/credential-store.interface.js';
import { type RefreshScheduler } from '../token/refresh-scheduler.js';
import { SharedCredentialFactory } from '../token/shared-credential.factory.js';
import { TokenService } from '../token/token.service.js';
import { WECHAT_NAMESPACE } from '../wechat.constants.js';

/** What every account of a module shares: one store, one scheduler, one set of connections. */
export interface AccountInfrastructure {
  store: CredentialStore;
  scheduler: RefreshScheduler;
  http: WeChatHttp;
  adapterHost: HttpAdapterHost;
  /** The push handlers of an account, once the app's handlers have been found. */
  pushHandlers(account: WeChatAccount): PushHandlerLookup;
}

/**
 * One Official Account: its token, clients, web authorization and push receiver. Each part is
 * built on first use, so an account nobody uses costs about 1.5 KB (npm run bench), and all share the
 * module's store, scheduler and HTTP connections.
 */
export class WeChatAccount {
  private built: {
    http?: AccountHttp;
    credentials?: SharedCredentialFactory;
    tokens?: TokenService;
    api?: WeChatApiClient;
    users?: UserClient;
    messages?: MessageClient;
    menu?: MenuClient;
    qrCodes?: QrCodeClient;
    media?: MediaClient;
    account?: AccountClient;
    jsSdk?: JsSdkService;
    oauth?: OAuthService;
    authenticator?: WeChatAuthenticator;
    pushReceiver?: PushReceiver;
  } = {};

  constructor(
    /** The account's options, the module's shared ones included. */
    readonly options: ResolvedWeChatOptions,
    private readonly infrastructure: AccountInfrastructure,
  ) {}

  /** What the app calls it (the appId unless named). */
  get name(): string {
    return this.options.name;
  }

  get appId(): string {
    return this.options.appId;
  }

  /** Its global access_token, one for the whole cluster. */
  get tokens(): TokenService {
    return (this.built.tokens ??= new TokenService(
      this.options,
      this.http,
      this.credentials,
      this.infrastructure.store,
    ));
  }

  /** Calls to any WeChat API with its token. */
  get api(): WeChatApiClient {
    return (this.built.api ??= new WeChatApiClient(this.http, this.tokens));
  }

  get users(): UserClient {
    return (this.built.users ??= new UserClient(this.api));
  }

  get messages(): MessageClient {
    return (this.built.messages ??= new MessageClient(this.api));
  }

  get menu(): MenuClient {
    return (this.built.menu ??= new MenuClient(this.api));
  }

  get qrCodes(): QrCodeClient {
    return (this.built.qrCodes ??= new QrCodeClient(this.api, this.options));
  }

  get media(): MediaClient {
    return (this.built.media ??= new MediaClient(this.api));
  }

  /** Account-level APIs (API quotas, clearing them). */
  get account(): AccountClient {
    return (this.built.account ??= new AccountClient(this.api, this.options));
  }

  get jsSdk(): JsSdkService {
    return (this.built.jsSdk ??= new JsSdkService(this.options, this.api, this.credentials));
  }

  /** Web authorization's calls (authorize URL, code exchange, user info). */
  get oauth(): OAuthService {
    return (this.built.oauth ??= new OAuthService(this.options, this.http));
  }

  /** Sessions and sign-ins of `@WeChatAuth()` routes for this account. */
  get authenticator(): WeChatAuthenticator {
    return (this.built.authenticator ??= new WeChatAuthenticator(
      this.options,
      this.oauth,
      new OAuthStateKeeper(this.options, this.infrastructure.store),
      this.infrastructure.adapterHost,
    ));
  }

  /** Receives this account's pushes; undefined when it has no `push` options. */
  get pushReceiver(): PushReceiver | undefined {
    const { push } = this.options;
    if (!push) return undefined;
    return (this.built.pushReceiver ??= new PushReceiver(
      { ...this.options, push },
      this.infrastructure.store,
      this.messages,
      () => this.infrastructure.pushHandlers(this),
      this,
    ));
  }

  /** Fetches the token soon (past the module's rate limit), so the first caller does not wait. */
  prefetch(): void {
    this.infrastructure.scheduler.schedule(this.prefetchTask, 0, () => {
      // Failures are logged by the credential; the next caller or refresh tries again.
      this.tokens.getAccessToken().catch(() => undefined);
    });
  }

  /**
   * For shutdown: refreshes stop, a fetch in flight is stored (within the grace), pushes in
   * flight stop waiting for retries. Called as shutdown starts and again before the store closes.
   */
  async close(): Promise<void> {
    this.built.pushReceiver?.close();
    await this.built.credentials?.close();
  }

  /** Lets go of everything the account holds in this process: timers, listeners, claims. */
  forget(): void {
    this.infrastructure.scheduler.cancel(this.prefetchTask);
    this.built.pushReceiver?.close();
    this.built.credentials?.forget();
  }

  private get prefetchTask(): string {
    return `${WECHAT_NAMESPACE}:${this.appId}:prefetch`;
  }

  private get http(): AccountHttp {
    return (this.built.http ??= new AccountHttp(this.infrastructure.http, this.options.appSecret));
  }

  private get credentials(): SharedCredentialFactory {
    return (this.built.credentials ??= new SharedCredentialFactory(
      this.options,
      this.infrastructure.store,
      this.infrastructure.scheduler,
    ));
  }
}
