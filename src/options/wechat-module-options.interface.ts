import { type WeChatClock } from '../clock/wechat-clock.js';
import { type CredentialStore } from '../store/credential-store.interface.js';
import { type WeChatPush } from '../push/push-message.types.js';
import { type WeChatReplyMessage } from '../push/push-reply.js';
import { type RedisOptions, type ResolvedRedisOptions } from './redis-options.interface.js';

/** Where the global access_token comes from (wechat-api.md sections 1 and 2). */
export type TokenSource = 'token' | 'stable_token';

/**
 * Options of `WeChatModule.forRoot` / `forRootAsync`: one account (`appId`, `appSecret`), or
 * several (`accounts`, and/or `accountSource` for accounts known at run time). With several,
 * `token`, `oauth` and `push` are every account's defaults, which an account's own override
 * field by field. Checked at start-up: errors name the option.
 */
export interface WeChatModuleOptions extends WeChatSharedOptions {
  /** The Official Account's AppID (`wx...`), in the one-account form. */
  appId?: string;
  /** The account's AppSecret, in the one-account form. Never logged or put in an error. */
  appSecret?: string;
  /** The accounts known at start-up; the first is the default one (`TokenService`, …). */
  accounts?: WeChatAccountOptions[];
  /** Resolves accounts not in `accounts` on first use (from the app's database, say). */
  accountSource?: WeChatAccountSource;
  token?: TokenOptions;
  /**
   * Receiving messages and events WeChat pushes (消息推送) at `push.path`; with several accounts,
   * at `${push.path}/:account` (the appId or name last, like WeChat's `$APPID$` URL template).
   * `token` is required, here or in each account.
   */
  push?: Partial<PushOptions>;
  /**
   * Web authorization (网页授权) for `@WeChatAuth()` routes. `sessionSecret` is required, here or
   * in each account; one callback route serves every account.
   */
  oauth?: Partial<OAuthOptions>;
}

/** One account of `accounts`, or what an `accountSource` finds. */
export interface WeChatAccountOptions {
  /**
   * What the app calls it (`shop`): `WeChatAccounts.get('shop')`, `@InjectWeChatAccount('shop')`,
   * `@WeChatAuth({ account: 'shop' })`. 1-64 of `A-Za-z0-9_-`; default the appId.
   */
  name?: string;
  appId: string;
  /** Never logged or put in an error. */
  appSecret: string;
  token?: TokenOptions;
  /** Over the module's `push`; `path` is the module's (the account is the last path segment). */
  push?: Partial<PushOptions>;
  /** Over the module's `oauth`; `callbackPath` is the module's (one route serves every account). */
  oauth?: Partial<OAuthOptions>;
}

/**
 * Where accounts unknown at start-up come from: `find` gets an appId or a name as the app used
 * it and resolves to the account, or undefined when there is none. Called once per account
 * (then cached until `WeChatAccounts.remove`), never for an account in `accounts`.
 */
export interface WeChatAccountSource {
  find(appIdOrName: string): Promise<WeChatAccountOptions | undefined>;
}

/** How the global access_token is fetched and kept fresh. */
export interface TokenOptions {
  /** `token` (`/cgi-bin/token`, default) or `stable_token` (`/cgi-bin/stable_token`). */
  source?: TokenSource;
  /** How long before expiry the scheduler refreshes; default 300 (capped at half a lifetime). */
  refreshAheadSeconds?: number;
  /**
   * Fetch the token in the background at application start; default true. Accounts from an
   * `accountSource` are created on first use, so they are never fetched at start-up.
   */
  prefetch?: boolean;
  /**
   * After a configuration or quota error, how long calls fail with that error without asking
   * WeChat again; default 60.
   */
  failureCooldownSeconds?: number;
}

/** What every account of a module shares: hosts, HTTP limits, the store, the clock. */
export interface WeChatSharedOptions {
  /** Default `https://api.weixin.qq.com`. */
  apiBaseUrl?: string;
  /** Tried in order when the primary host cannot be reached; default `https://api2.weixin.qq.com`. */
  fallbackApiBaseUrls?: string[];
  /** Default `https://open.weixin.qq.com`. */
  openBaseUrl?: string;
  /** Serves QR code images (`showqrcode`); default `https://mp.weixin.qq.com`. */
  mpBaseUrl?: string;
  /** Retries of WeChat's `-1` (system busy), HTTP 5xx and network errors. */
  retry?: {
    /** Attempts in all, the first included; default 4. */
    attempts?: number;
    /** First backoff delay, doubled each retry (with jitter); default 1000. */
    baseDelayMs?: number;
  };
  /**
   * Deadline of one HTTP request to WeChat, from connecting to the answer's last byte (a file
   * download: to its headers; see `download`); default 10000. Retries each get their own.
   */
  httpTimeoutMs?: number;
  /** Largest JSON answer read, in bytes; a larger one fails at the limit, unread. Default 4 MiB. */
  jsonLimitBytes?: number;
  /** Files streamed from WeChat (media downloads, a video's `video_url`). */
  download?: {
    /** How long the file may send nothing while the stream is read; default 10000. */
    idleTimeoutMs?: number;
    /** Longest a whole download may take, from the request to the last byte; default none. */
    deadlineMs?: number;
    /**
     * Largest file read, in bytes as the reader gets them (decoded, when a server compressed the
     * file anyway): a larger one fails with `failure: 'too-large'` at the limit, at once when its
     * Content-Length says so. Default none.
     */
    maxBytes?: number;
    /**
     * Where a URL from WeChat's answers (a video's `video_url`) may lead: entries
     * `HOST[:PORT][/PATH-PREFIX]`, HOST a name, an IP address, `*.domain` or `*`. Only http(s),
     * never with credentials; a loopback or private address only when an exact entry names the
     * host. Default: WeChat's video CDN (any public address, path under `/vweixinp.tc.qq.com/`),
     * `*.qq.com` and `*.qpic.cn`.
     */
    urlAllowList?: string[];
  };
  /**
   * On shutdown, how long requests to WeChat in flight may finish before they are cut and their
   * retries dropped; default 5000.
   */
  shutdownGraceMs?: number;
  /**
   * The shared store of the cluster (needs the `redis` package); default: in-process memory.
   * One server (`{ url }`), a Redis Cluster (`{ cluster: [nodeUrl, …] }`) or a master watched by
   * Sentinel (`{ sentinel: { name, sentinels: [url, …] } }`); unknown fields are refused.
   * Every Redis operation gives up after `operationTimeoutMs` (default 1000); start-up waits at
   * most `connectTimeoutMs` (default 2000) for Redis, then runs on its own until Redis answers.
   */
  redis?: RedisOptions;
  /** A store of your own (takes precedence over `redis`). */
  store?: CredentialStore;
  /**
   * Where the library reads the time and sets its timers; default the system's. Tests pass the
   * `TestClock` of `nestjs-wechat/testing` (shared with the emulator) to move time forward.
   */
  clock?: WeChatClock;
  /**
   * Background token and ticket fetches this process starts per second at most (start-up
   * prefetches, refreshes ahead of expiry), so that many accounts never reach WeChat in a burst;
   * default 20. A caller that needs a credential now never waits for this.
   */
  refreshesPerSecond?: number;
}

/** Web authorization (网页授权) for `@WeChatAuth()` routes. */
export interface OAuthOptions {
  /** Where WeChat sends the browser back; default `/wechat/oauth/callback`. */
  callbackPath?: string;
  /** Scope of `@WeChatAuth()` without one; default `snsapi_base`. */
  defaultScope?: WebScope;
  /**
   * Signs the session cookie: at least 32 bytes, secret, the same on every instance. A list
   * rotates it: the first signs, every one verifies (`[newSecret, oldSecret]`, until the old
   * one's cookies have expired), so nobody is signed out.
   */
  sessionSecret: string | readonly string[];
  /**
   * The app's public origin (`https://app.example.com`) for the `redirect_uri`; default: taken
   * from the request's protocol and Host header. Set it behind a proxy.
   */
  publicUrl?: string;
  /** How long a started authorization may take to come back; default 600 (the maximum). */
  stateTtlSeconds?: number;
  cookie?: {
    /** Default `wechat_session`. */
    name?: string;
    /** Default: Secure when the request came over https. */
    secure?: boolean;
    /** Default `lax`. */
    sameSite?: 'lax' | 'strict' | 'none';
    /** Session lifetime; default 7 days. */
    maxAgeSeconds?: number;
  };
}

/** The push endpoint: what WeChat's console (服务器配置) holds, and how the endpoint behaves. */
export interface PushOptions {
  /** Where WeChat posts messages; default `/wechat/push`. The console's URL ends with it. */
  path?: string;
  /** The console's Token: 3-32 letters and digits. Never logged or put in an error. */
  token: string;
  /** The console's EncodingAESKey (43 letters and digits), for compatible and safe mode. */
  encodingAESKey?: string;
  /** The key before the last rotation, tried when the current one fails (WeChat's advice). */
  previousEncodingAESKey?: string;
  /** Refuse plain (unencrypted) posts with 403; needs `encodingAESKey`. Default false. */
  requireEncryption?: boolean;
  /** Largest body read, in bytes; larger posts get 413. Default 65536 (WeChat's are a few KB). */
  bodyLimitBytes?: number;
  /**
   * How long a push is remembered for WeChat's retries (its claim, its outcome); default 60
   * (3 tries of 5 s, with room for clocks and queues).
   */
  retryWindowSeconds?: number;
  /**
   * A try is answered within this many milliseconds of arriving: with the reply when it is ready,
   * else it is released (its connection closed) so that WeChat tries again. Default 4500, under
   * WeChat's 5 s.
   */
  replyMarginMs?: number;
  /** A reply ready after WeChat's last try is sent as a customer-service message. */
  lateReply?: 'customer-service';
  /**
   * Gets each reply ready after WeChat's last try (instead of `lateReply`), and each push turned
   * away past `maxHandlersInFlight`, to deliver or queue as the app sees fit.
   */
  onLateReply?: (late: LateWeChatReply) => void | Promise<void>;
  /** Handlers running at once in this process; past it, pushes get "success" at once. Default 1000. */
  maxHandlersInFlight?: number;
}

/** A push whose reply could not go back as a passive reply (see `push.onLateReply`). */
export interface LateWeChatReply {
  push: WeChatPush;
  /** The handler's reply: none when the push was turned away (`overloaded`). */
  reply?: WeChatReplyMessage;
  /** `late`: the handler finished after WeChat's last try; `overloaded`: it never ran. */
  reason: 'late' | 'overloaded';
}

/** Push options after validation. */
export interface ResolvedPushOptions {
  path: string;
  token: string;
  encodingAESKey?: string;
  previousEncodingAESKey?: string;
  requireEncryption: boolean;
  bodyLimitBytes: number;
  retryWindowSeconds: number;
  replyMarginMs: number;
  lateReply?: 'customer-service';
  onLateReply?: (late: LateWeChatReply) => void | Promise<void>;
  maxHandlersInFlight: number;
}

/** The scopes of web authorization. */
export type WebScope = 'snsapi_base' | 'snsapi_userinfo';

/** Web-authorization options after validation. */
export interface ResolvedOAuthOptions {
  callbackPath: string;
  defaultScope: WebScope;
  /** The first signs; all verify. */
  sessionSecrets: readonly string[];
  publicUrl?: string;
  cookie: {
    name: string;
    secure?: boolean;
    sameSite: 'lax' | 'strict' | 'none';
    maxAgeSeconds: number;
  };
  /** How long an issued state stays usable. */
  stateTtlSeconds: number;
}

/** What every account of a module shares, after validation. */
export interface ResolvedSharedOptions {
  apiBaseUrls: string[];
  openBaseUrl: string;
  mpBaseUrl: string;
  retry: { attempts: number; baseDelayMs: number };
  httpTimeoutMs: number;
  jsonLimitBytes: number;
  download: {
    idleTimeoutMs: number;
    deadlineMs?: number;
    maxBytes?: number;
    urlAllowList: string[];
  };
  shutdownGraceMs: number;
  redis?: ResolvedRedisOptions;
  store?: CredentialStore;
  clock: WeChatClock;
  refreshesPerSecond: number;
}

/** One account's options after validation, with the shared ones and every default filled in. */
export interface ResolvedWeChatOptions extends ResolvedSharedOptions {
  /** What the app calls it; the appId unless named. */
  name: string;
  appId: string;
  appSecret: string;
  token: {
    source: TokenSource;
    refreshAheadSeconds: number;
    prefetch: boolean;
    failureCooldownSeconds: number;
  };
  oauth?: ResolvedOAuthOptions;
  push?: ResolvedPushOptions;
}

/** The module's options after validation. */
export interface ResolvedModuleOptions {
  /** `single`: `appId` at the top level (today's form); `accounts`: the several-accounts form. */
  form: 'single' | 'accounts';
  shared: ResolvedSharedOptions;
  /** The accounts known at start-up (one in the single form); the first is the default. */
  accounts: ResolvedWeChatOptions[];
  source?: WeChatAccountSource;
  /** The top-level `token`, `oauth` and `push`: the defaults of accounts from the source. */
  accountDefaults: Pick<WeChatModuleOptions, 'token' | 'oauth' | 'push'>;
  /** Where the one callback route is, when web authorization is on. */
  callbackPath: string;
  /** Where the push endpoint is: itself (single form) or the base of `${pushPath}/:account`. */
  pushPath: string;
}
