import { type CredentialStore } from '../store/credential-store.interface.js';

/** Where the global access_token comes from (wechat-api.md sections 1 and 2). */
export type TokenSource = 'token' | 'stable_token';

/** Options of `WeChatModule.forRoot` / `forRootAsync`. */
export interface WeChatModuleOptions {
  /** The Official Account's AppID (`wx...`). */
  appId: string;
  /** The account's AppSecret. Never logged or put in an error. */
  appSecret: string;
  /** Default `https://api.weixin.qq.com`. */
  apiBaseUrl?: string;
  /** Tried in order when the primary host cannot be reached; default `https://api2.weixin.qq.com`. */
  fallbackApiBaseUrls?: string[];
  /** Default `https://open.weixin.qq.com`. */
  openBaseUrl?: string;
  token?: {
    /** `token` (`/cgi-bin/token`, default) or `stable_token` (`/cgi-bin/stable_token`). */
    source?: TokenSource;
    /** How long before expiry the scheduler refreshes; default 300 (capped at half a lifetime). */
    refreshAheadSeconds?: number;
    /** Fetch the token in the background at application start; default true. */
    prefetch?: boolean;
    /**
     * After a configuration or quota error, how long calls fail with that error without asking
     * WeChat again; default 60.
     */
    failureCooldownSeconds?: number;
  };
  /** Retries of WeChat's `-1` (system busy), HTTP 5xx and network errors. */
  retry?: {
    /** Attempts in all, the first included; default 4. */
    attempts?: number;
    /** First backoff delay, doubled each retry (with jitter); default 1000. */
    baseDelayMs?: number;
  };
  /** Timeout of one HTTP request to WeChat; default 10000. */
  httpTimeoutMs?: number;
  /**
   * The shared store of the cluster (needs the `redis` package); default: in-process memory.
   * Every Redis operation gives up after `operationTimeoutMs` (default 1000); start-up waits at
   * most `connectTimeoutMs` (default 2000) for Redis, then runs on its own until Redis answers.
   */
  redis?: {
    url: string;
    keyPrefix?: string;
    operationTimeoutMs?: number;
    connectTimeoutMs?: number;
  };
  /** A store of your own (takes precedence over `redis`). */
  store?: CredentialStore;
  oauth?: {
    callbackPath?: string;
    defaultScope?: 'snsapi_base' | 'snsapi_userinfo';
    sessionSecret: string;
    cookie?: {
      name?: string;
      secure?: boolean;
      sameSite?: 'lax' | 'strict' | 'none';
      maxAgeSeconds?: number;
    };
  };
}

/** Options after validation, with every default filled in. */
export interface ResolvedWeChatOptions {
  appId: string;
  appSecret: string;
  apiBaseUrls: string[];
  openBaseUrl: string;
  token: {
    source: TokenSource;
    refreshAheadSeconds: number;
    prefetch: boolean;
    failureCooldownSeconds: number;
  };
  retry: { attempts: number; baseDelayMs: number };
  httpTimeoutMs: number;
  redis?: { url: string; keyPrefix: string; operationTimeoutMs: number; connectTimeoutMs: number };
  store?: CredentialStore;
  oauth?: WeChatModuleOptions['oauth'];
}
