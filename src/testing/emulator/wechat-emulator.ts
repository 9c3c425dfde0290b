import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { isWeChatClock, type WeChatClock } from '../../clock/wechat-clock.js';
import { type WeChatPushBase } from '../../push/push-message.types.js';
import { ApiQuotas } from './api-quotas.js';
import { CHAT_PATH, registerChatRoutes } from './chat/chat.routes.js';
import { CustomerServiceWindow, type EmulatorInteraction } from './customer-service-window.js';
import { EmulatorAccount } from './emulator-account.js';
import { EmulatorClock } from './emulator-clock.js';
import { EmulatorMenu, type EmulatorMenuButton } from './emulator-menu.js';
import { type EmulatorFault, EmulatorRouter } from './emulator-router.js';
import { EmulatorTags } from './emulator-tags.js';
import { EmulatorUsers, type EmulatorUser, type EmulatorUserInput } from './emulator-users.js';
import { MediaStore, type EmulatorMediaType } from './media-store.js';
import { MessageTemplates } from './message-templates.js';
import { EmulatorPush } from './push/emulator-push.js';
import { type EmulatorPushConfig } from './push/push-config.js';
import { createPushComposer, type EmulatorPushComposer } from './push/push-compose.js';
import { isOriginalId, MsgIdSequence, originalIdFor } from './push/push-ids.js';
import { type EmulatorPushOutcome, type EmulatorPushRecord } from './push/push-outcome.js';
import { QrCodes, type EmulatorQrCode } from './qr-codes.js';
import { registerAccountRoutes } from './routes/account.routes.js';
import { registerAuthorizeRoutes } from './routes/authorize.routes.js';
import { AVATAR_PREFIX, registerAvatarRoutes } from './routes/avatar.routes.js';
import { DEFAULT_MEDIA_SIZE_LIMITS, registerMediaRoutes } from './routes/media.routes.js';
import { registerMenuRoutes } from './routes/menu.routes.js';
import { registerMessageRoutes } from './routes/message.routes.js';
import { registerQrCodeRoutes } from './routes/qrcode.routes.js';
import { registerSnsRoutes } from './routes/sns.routes.js';
import { registerTagQueryRoutes } from './routes/tag-query.routes.js';
import { registerTagRoutes } from './routes/tag.routes.js';
import { WebAuthorization } from './web-authorization.js';
import { registerTicketRoutes } from './routes/ticket.routes.js';
import { registerTokenRoutes } from './routes/token.routes.js';
import { registerUserRoutes } from './routes/user.routes.js';
import { SentMessages, type SentMessage } from './sent-messages.js';
import { SubscriptionGrants } from './subscription-grants.js';
import { TokenAuthority } from './token-authority.js';

/** Options of `WeChatEmulator.start`. Defaults are WeChat's own numbers. */
export interface WeChatEmulatorOptions {
  appId: string;
  appSecret: string;
  /** Lifetime of access tokens and tickets; default 7200. */
  tokenTtlSeconds?: number;
  /** How long a superseded `/cgi-bin/token` token keeps working; default 300. */
  overlapSeconds?: number;
  /** `/cgi-bin/token` calls a day before 45009; default 2000 (200 for a test account). */
  dailyQuota?: number;
  /** `/cgi-bin/stable_token` calls a day; default 500000. */
  stableDailyQuota?: number;
  /** Forced stable_token refreshes a day; default 20. */
  stableForceDailyLimit?: number;
  /** Minimum spacing of forced stable_token refreshes; default 30. */
  stableForceSpacingSeconds?: number;
  /** Addresses allowed to fetch tokens (40164 for others); default: no allow-list. */
  ipWhitelist?: string[];
  /** Hosts `redirect_uri` may point at (the web-authorization domains); default localhost, 127.0.0.1. */
  oauthDomains?: string[];
  /** Port to listen on; default a free one. Always on 127.0.0.1. */
  port?: number;
  /**
   * Upload limits of `media/upload` in bytes, by type; default WeChat's: image 10 MB, voice
   * 2 MB, video 10 MB, thumb 64 KB.
   */
  mediaSizeLimits?: Partial<Record<EmulatorMediaType, number>>;
  /** Where uploads are kept, in a fresh folder that `close()` removes; default the OS temp dir. */
  mediaDir?: string;
  /**
   * The time the emulator runs on; default real time. Pass the `TestClock` the app under test
   * uses, and `clock.advance(ms)` ages both together.
   */
  clock?: WeChatClock;
  /**
   * The account's original id (原始 ID, `gh_` and 12 characters), the `ToUserName` of pushes;
   * default one derived from appId.
   */
  originalId?: string;
}

/**
 * A local WeChat: a real HTTP server on a loopback port with WeChat's semantics, for tests and
 * for running an app without the real service. Serves the api and open hosts on one URL.
 */
export class WeChatEmulator {
  /**
   * The emulated time: the `clock` option's time (real time by default) plus the emulator's own
   * `clock.advance(ms)`, which ages tokens, codes and quotas here only.
   */
  readonly clock: EmulatorClock;
  /**
   * Builders of what users do (send a text, follow, tap a menu button, scan a QR code...), as
   * the messages WeChat pushes for it; hand them to `push`.
   */
  readonly compose: EmulatorPushComposer;
  private readonly router = new EmulatorRouter();
  private readonly account: EmulatorAccount;
  private readonly tokens: TokenAuthority;
  private readonly users: EmulatorUsers;
  private readonly web: WebAuthorization;
  private readonly tags: EmulatorTags;
  private readonly templates = new MessageTemplates();
  private readonly subscribeTemplates = new MessageTemplates();
  private readonly grants = new SubscriptionGrants();
  private readonly serviceWindow: CustomerServiceWindow;
  private readonly sent: SentMessages;
  private readonly customMenu = new EmulatorMenu();
  private readonly qrCodeRegistry: QrCodes;
  private readonly media: MediaStore;
  private readonly followerCounts = new Map<string, number>();
  private readonly accountOriginalId: string;
  private readonly pushes: EmulatorPush;
  private oauthDomains: string[];
  private server?: Server;
  private baseUrl = '';

  private constructor(options: WeChatEmulatorOptions) {
    if (!options.appId || !options.appSecret) {
      throw new Error('WeChatEmulator.start needs appId and appSecret');
    }
    if (options.clock !== undefined && !isWeChatClock(options.clock)) {
      throw new Error('WeChatEmulator.start: clock must have now() and setTimer()');
    }
    this.clock = new EmulatorClock(options.clock);
    this.users = new EmulatorUsers(this.clock);
    this.web = new WebAuthorization(this.clock);
    this.tags = new EmulatorTags(this.users);
    this.serviceWindow = new CustomerServiceWindow(this.clock);
    this.sent = new SentMessages(this.clock);
    this.qrCodeRegistry = new QrCodes(this.clock);
    const ttl = positive('tokenTtlSeconds', options.tokenTtlSeconds ?? 7200);
    this.account = new EmulatorAccount(options.appId, options.appSecret);
    this.setIpWhitelist(options.ipWhitelist);
    const rules = {
      tokenTtlSeconds: ttl,
      overlapSeconds: nonNegative('overlapSeconds', options.overlapSeconds ?? 300),
      dailyQuota: nonNegative('dailyQuota', options.dailyQuota ?? 2000),
      stableDailyQuota: nonNegative('stableDailyQuota', options.stableDailyQuota ?? 500_000),
      stableForceDailyLimit: nonNegative(
        'stableForceDailyLimit',
        options.stableForceDailyLimit ?? 20,
      ),
      stableForceSpacingSeconds: nonNegative(
        'stableForceSpacingSeconds',
        options.stableForceSpacingSeconds ?? 30,
      ),
      stableRotateAheadSeconds: Math.min(300, ttl / 2),
    };
    this.tokens = new TokenAuthority(this.clock, rules);
    registerTokenRoutes(this.router, this.account, this.tokens);
    registerTicketRoutes(this.router, this.tokens, this.clock, ttl);
    const quotas = new ApiQuotas(this.clock, this.tokens, {
      token: rules.dailyQuota,
      stable: rules.stableDailyQuota,
    });
    this.router.onRequest((path) => quotas.record(path));
    registerAccountRoutes(this.router, this.tokens, this.account, quotas);
    this.oauthDomains = options.oauthDomains ?? ['localhost', '127.0.0.1'];
    registerAuthorizeRoutes(
      this.router,
      this.account,
      this.users,
      this.web,
      () => this.oauthDomains,
    );
    registerSnsRoutes(this.router, this.account, this.users, this.web);
    registerAvatarRoutes(this.router, this.users);
    registerUserRoutes(this.router, this.tokens, this.users);
    registerTagRoutes(this.router, this.tokens, this.tags);
    registerTagQueryRoutes(this.router, this.tokens, this.tags, this.users);
    registerMessageRoutes(this.router, this.tokens, {
      users: this.users,
      templates: this.templates,
      subscribeTemplates: this.subscribeTemplates,
      grants: this.grants,
      window: this.serviceWindow,
      sent: this.sent,
    });
    registerMenuRoutes(this.router, this.tokens, this.customMenu);
    registerQrCodeRoutes(this.router, this.tokens, this.qrCodeRegistry);
    this.media = new MediaStore(this.clock, options.mediaDir);
    const sizeLimits = { ...DEFAULT_MEDIA_SIZE_LIMITS };
    for (const [type, bytes] of Object.entries(options.mediaSizeLimits ?? {})) {
      sizeLimits[type as EmulatorMediaType] = positive(`mediaSizeLimits.${type}`, bytes);
    }
    registerMediaRoutes(this.router, this.tokens, this.media, sizeLimits);
    if (options.originalId !== undefined && !isOriginalId(options.originalId)) {
      throw new Error('WeChatEmulator option originalId must be gh_ and 12 letters or digits');
    }
    this.accountOriginalId = options.originalId ?? originalIdFor(options.appId);
    const qrCodes = () => this.qrCodeRegistry.all();
    this.compose = createPushComposer({
      users: this.users,
      clock: this.clock,
      originalId: this.accountOriginalId,
      msgIds: new MsgIdSequence(),
      menu: () => this.customMenu.get(),
      qrCodes,
    });
    this.pushes = new EmulatorPush({
      appId: options.appId,
      originalId: this.accountOriginalId,
      users: this.users,
      clock: this.clock,
      window: this.serviceWindow,
      qrCodes,
    });
    registerChatRoutes(this.router, {
      appId: options.appId,
      originalId: this.accountOriginalId,
      users: this.users,
      clock: this.clock,
      menu: () => this.customMenu.get(),
      qrCodes,
      compose: this.compose,
      push: (message) => this.pushes.push(message),
    });
  }

  /** Starts an emulator on a free loopback port. */
  static async start(options: WeChatEmulatorOptions): Promise<WeChatEmulator> {
    const emulator = new WeChatEmulator(options);
    await emulator.listen(options.port ?? 0);
    return emulator;
  }

  /** `http://127.0.0.1:PORT`: use it as `apiBaseUrl` and `openBaseUrl`. */
  get url(): string {
    return this.baseUrl;
  }

  /**
   * The chat page of the emulator's users, `http://127.0.0.1:PORT/emulator/chat`: open it in a
   * browser to be one of the users (`addUser`) talking to the app as in WeChat: send texts,
   * follow and unfollow, tap the buttons of the menu the app created, scan its QR codes, and see
   * the app's replies (or WeChat's "unavailable" notice). Each action is a `push` of the
   * matching `compose` message, so it needs `configurePush` first; the page keeps the last 200
   * lines of each user's conversation. Its JSON routes: `GET /emulator/chat/state?openid=` and
   * `POST /emulator/chat/send` with `{ openid, action: 'text' | 'click' | 'view' | 'scan' |
   * 'follow' | 'unfollow', content | key | url | ticket }`, answering `{ outcome }`.
   */
  get chatUrl(): string {
    return `${this.baseUrl}${CHAT_PATH}`;
  }

  get appId(): string {
    return this.account.appId;
  }

  /** The account's original id (`gh_…`): the `ToUserName` of every push. */
  get originalId(): string {
    return this.accountOriginalId;
  }

  /** Requests received on a path (faulted ones included). */
  callCount(path: string): number {
    return this.router.callCount(path);
  }

  /** When each request to `path` arrived (epoch ms, real time), oldest first. */
  callTimes(path: string): number[] {
    return this.router.callTimes(path);
  }

  resetCallCounts(): void {
    this.router.resetCounts();
  }

  /** Plays a fault on the next `times` requests to `path` (default once). */
  injectFault(path: string, fault: EmulatorFault): void {
    this.router.injectFault(path, fault);
  }

  clearFaults(path?: string): void {
    this.router.clearFaults(path);
  }

  /** Turns the IP allow-list on (40164 for other addresses) or off (`undefined`). */
  setIpWhitelist(ips: string[] | undefined): void {
    this.account.ipWhitelist = ips ? new Set(ips) : undefined;
  }

  /**
   * Adds a user of the account (a follower unless `subscribed: false`). Without a `headimgurl`
   * the user gets an avatar served by the emulator.
   */
  addUser(user: EmulatorUserInput): EmulatorUser {
    return this.users.add({ headimgurl: `${this.url}${AVATAR_PREFIX}${user.openid}/132`, ...user });
  }

  /**
   * Adds `count` followers with openids `${prefix}000000`, `${prefix}000001`, ... numbered on
   * from earlier calls with the same prefix; returns their openids in order.
   */
  addFollowers(count: number, prefix = 'o_follower_'): string[] {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`addFollowers takes a whole number of users, got ${count}`);
    }
    const first = this.followerCounts.get(prefix) ?? 0;
    this.followerCounts.set(prefix, first + count);
    const width = Math.max(6, String(first + count - 1).length);
    const openids: string[] = [];
    for (let index = first; index < first + count; index++) {
      const openid = `${prefix}${String(index).padStart(width, '0')}`;
      this.addUser({ openid });
      openids.push(openid);
    }
    return openids;
  }

  /** The user with this openid, as the emulator holds it. */
  user(openid: string): EmulatorUser | undefined {
    return this.users.get(openid);
  }

  /** Who the emulated WeChat client is: authorize requests act as this user from now on. */
  signIn(openid: string): void {
    this.users.signIn(openid);
  }

  /** Nobody is signed in: a browser gets the user picker. */
  signOut(): void {
    this.users.signOut();
  }

  /** The web-authorization domains `redirect_uri` may point at. */
  setOAuthDomains(domains: string[]): void {
    this.oauthDomains = [...domains];
  }

  /** Every issued token stops working at once, as after an AppSecret reset. */
  revokeAllTokens(): void {
    this.tokens.revokeAll();
  }

  /** `/cgi-bin/token` calls counted against today's quota. */
  tokenQuotaUsed(): number {
    return this.tokens.tokenCallsToday();
  }

  /** A template message template of the account: its id and the keys its `data` must fill. */
  addTemplate(templateId: string, keys: string[]): void {
    this.templates.add(templateId, keys);
  }

  /** A subscription-notification (订阅通知) template: its id and the keys of its `data`. */
  addSubscribeTemplate(templateId: string, keys: string[]): void {
    this.subscribeTemplates.add(templateId, keys);
  }

  /** The user accepts one notification of this template (one grant, one message). */
  grantSubscription(openid: string, templateId: string): void {
    this.knownUser('grantSubscription', openid);
    if (!this.subscribeTemplates.has(templateId)) {
      throw new Error(`grantSubscription: no template ${templateId}; addSubscribeTemplate first`);
    }
    this.grants.grant(openid, templateId);
  }

  /**
   * The user interacts with the account, so customer-service messages may follow: a `message`
   * (the default) allows 5 within 48 hours; a `menu-click`, `follow` or `scan` 3 within 1 minute.
   */
  recordInteraction(openid: string, kind: EmulatorInteraction = 'message'): void {
    this.knownUser('recordInteraction', openid);
    this.serviceWindow.recordInteraction(openid, kind);
  }

  /** Messages WeChat accepted (template, customer-service, subscription), oldest first. */
  sentMessages(): SentMessage[] {
    return this.sent.all();
  }

  /** The custom menu as `menu/create` stored it, or undefined when there is none. */
  menu(): { button: EmulatorMenuButton[] } | undefined {
    const buttons = this.customMenu.get();
    return buttons && { button: buttons };
  }

  /** The QR codes the account created, with their scenes, oldest first. */
  qrCodes(): EmulatorQrCode[] {
    return this.qrCodeRegistry.all();
  }

  /**
   * Sets the account's push URL as WeChat's console does: checks the token (3-32 of
   * `[A-Za-z0-9]`) and key (43 of `[A-Za-z0-9]`, needed in compatible and safe mode), then GETs
   * the URL with `signature`, `timestamp`, `nonce`, `echostr` and requires `echostr` back.
   * Throws when either fails, and the previous configuration stays. With a list of URLs (the
   * instances of a cluster behind WeChat's one URL) every one is verified, and try n of each
   * push goes to `url[n % url.length]`: each retry reaches another instance.
   */
  configurePush(config: EmulatorPushConfig): Promise<void> {
    return this.pushes.configure(config);
  }

  /** Removes the push URL: `push` throws until `configurePush` again. */
  clearPush(): void {
    this.pushes.clear();
  }

  /**
   * Pushes a message (see `compose`) to the app as WeChat does: signed, encrypted in compatible
   * and safe mode, the same request up to 3 times while no HTTP 200 comes within the try time
   * limit; then judges the answer. Resolves to what the user saw: the reply, nothing, or the
   * notice `PUSH_UNAVAILABLE_NOTICE` with the reason. Rejects when the emulator closes first.
   */
  push(message: WeChatPushBase): Promise<EmulatorPushOutcome> {
    return this.pushes.push(message);
  }

  /** The pushes delivered, with what the user saw, oldest first. */
  pushLog(): EmulatorPushRecord[] {
    return this.pushes.log();
  }

  /** Connections clients hold open to the emulator right now (keep-alive ones included). */
  openConnections(): Promise<number> {
    const server = this.server;
    if (!server) return Promise.resolve(0);
    return new Promise((resolve, reject) =>
      server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
  }

  /** Stops the server, drops the pushes under way and deletes the uploaded media. */
  async close(): Promise<void> {
    this.pushes.close();
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    }
    await this.media.close();
  }

  private knownUser(control: string, openid: string): void {
    if (!this.users.get(openid)) throw new Error(`${control}: no user ${openid}; addUser first`);
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      this.router.handle(req, res).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`emulator error: ${err.message}`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`WeChatEmulator option ${name} must be > 0, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) {
    throw new RangeError(`WeChatEmulator option ${name} must be >= 0, got ${value}`);
  }
  return value;
}
