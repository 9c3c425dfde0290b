import { isWeChatClock, systemClock, type WeChatClock } from '../clock/wechat-clock.js';
import {
  type ResolvedOAuthOptions,
  type ResolvedWeChatOptions,
  type WeChatModuleOptions,
} from './wechat-module-options.interface.js';
import { DEFAULT_CALLBACK_PATH } from '../wechat.constants.js';
import { WeChatOptionsError } from './wechat-options.error.js';
import {
  baseUrl,
  booleanOr,
  integerIn,
  requiredString,
  routePath,
  urlAllowList,
} from './option-values.js';
import { DEFAULT_URL_ALLOW_LIST } from '../http/url-allow-list.js';
import { resolvePush } from './resolve-push-options.js';
import { resolveRedis } from './resolve-redis-options.js';

const DEFAULT_API_BASE_URL = 'https://api.weixin.qq.com';
const DEFAULT_FALLBACK_API_BASE_URLS = ['https://api2.weixin.qq.com'];
const DEFAULT_OPEN_BASE_URL = 'https://open.weixin.qq.com';
const DEFAULT_MP_BASE_URL = 'https://mp.weixin.qq.com';
const MIN_SESSION_SECRET_BYTES = 32;
const MIB = 1024 * 1024;

/** Validates the options given to `WeChatModule` and fills in the defaults. */
export function resolveOptions(raw: WeChatModuleOptions | undefined): ResolvedWeChatOptions {
  if (!raw || typeof raw !== 'object') {
    throw new WeChatOptionsError('(options)', 'forRoot needs an options object');
  }
  const appId = requiredString('appId', raw.appId);
  if (/\s/.test(appId)) throw new WeChatOptionsError('appId', 'must not contain white space');
  const appSecret = requiredString('appSecret', raw.appSecret);

  const primary = baseUrl('apiBaseUrl', raw.apiBaseUrl ?? DEFAULT_API_BASE_URL);
  // The disaster-recovery host backs up WeChat's own host, not an emulator or a proxy.
  const fallbacks =
    raw.fallbackApiBaseUrls ?? (raw.apiBaseUrl === undefined ? DEFAULT_FALLBACK_API_BASE_URLS : []);
  if (!Array.isArray(fallbacks)) {
    throw new WeChatOptionsError('fallbackApiBaseUrls', 'must be an array of URLs');
  }
  const apiBaseUrls = [primary];
  fallbacks.forEach((url, i) => {
    const resolved = baseUrl(`fallbackApiBaseUrls[${i}]`, url);
    if (!apiBaseUrls.includes(resolved)) apiBaseUrls.push(resolved);
  });

  const source = raw.token?.source ?? 'token';
  if (source !== 'token' && source !== 'stable_token') {
    throw new WeChatOptionsError('token.source', `must be 'token' or 'stable_token'`);
  }

  const oauth = raw.oauth && resolveOAuth(raw.oauth);
  return {
    appId,
    appSecret,
    apiBaseUrls,
    openBaseUrl: baseUrl('openBaseUrl', raw.openBaseUrl ?? DEFAULT_OPEN_BASE_URL),
    mpBaseUrl: baseUrl('mpBaseUrl', raw.mpBaseUrl ?? DEFAULT_MP_BASE_URL),
    token: {
      source,
      refreshAheadSeconds: integerIn(
        'token.refreshAheadSeconds',
        raw.token?.refreshAheadSeconds,
        300,
        1,
        3600,
      ),
      prefetch: booleanOr('token.prefetch', raw.token?.prefetch, true),
      failureCooldownSeconds: integerIn(
        'token.failureCooldownSeconds',
        raw.token?.failureCooldownSeconds,
        60,
        0,
        86_400,
      ),
    },
    retry: {
      attempts: integerIn('retry.attempts', raw.retry?.attempts, 4, 1, 10),
      baseDelayMs: integerIn('retry.baseDelayMs', raw.retry?.baseDelayMs, 1000, 0, 60_000),
    },
    httpTimeoutMs: integerIn('httpTimeoutMs', raw.httpTimeoutMs, 10_000, 1, 120_000),
    jsonLimitBytes: integerIn('jsonLimitBytes', raw.jsonLimitBytes, 4 * MIB, 1024, 256 * MIB),
    download: resolveDownload(raw.download ?? {}),
    shutdownGraceMs: integerIn('shutdownGraceMs', raw.shutdownGraceMs, 5000, 0, 120_000),
    redis: raw.redis && resolveRedis(raw.redis),
    store: raw.store,
    clock: resolveClock(raw.clock),
    oauth,
    push: raw.push && resolvePush(raw.push, oauth?.callbackPath),
  };
}

function resolveDownload(download: NonNullable<WeChatModuleOptions['download']>) {
  return {
    idleTimeoutMs: integerIn('download.idleTimeoutMs', download.idleTimeoutMs, 10_000, 1, 600_000),
    deadlineMs:
      download.deadlineMs === undefined
        ? undefined
        : integerIn('download.deadlineMs', download.deadlineMs, 0, 1, 86_400_000),
    urlAllowList: urlAllowList(
      'download.urlAllowList',
      download.urlAllowList,
      DEFAULT_URL_ALLOW_LIST,
    ),
  };
}

function resolveClock(clock: unknown): WeChatClock {
  if (clock === undefined) return systemClock;
  if (!isWeChatClock(clock)) {
    throw new WeChatOptionsError('clock', 'must have now() and setTimer() (see WeChatClock)');
  }
  return clock;
}

function resolveOAuth(oauth: NonNullable<WeChatModuleOptions['oauth']>): ResolvedOAuthOptions {
  const given: unknown = oauth.sessionSecret;
  const secrets = typeof given === 'string' ? [given] : given;
  const valid =
    Array.isArray(secrets) &&
    secrets.length > 0 &&
    secrets.every(
      (secret) =>
        typeof secret === 'string' && Buffer.byteLength(secret) >= MIN_SESSION_SECRET_BYTES,
    );
  if (!valid) {
    throw new WeChatOptionsError(
      'oauth.sessionSecret',
      `must be a string of at least ${MIN_SESSION_SECRET_BYTES} bytes (for example 32 random bytes, hex-encoded), or a non-empty list of such strings (the first signs)`,
    );
  }
  const callbackPath = routePath(
    'oauth.callbackPath',
    oauth.callbackPath ?? DEFAULT_CALLBACK_PATH,
    DEFAULT_CALLBACK_PATH,
  );
  const defaultScope = oauth.defaultScope ?? 'snsapi_base';
  if (defaultScope !== 'snsapi_base' && defaultScope !== 'snsapi_userinfo') {
    throw new WeChatOptionsError(
      'oauth.defaultScope',
      `must be 'snsapi_base' or 'snsapi_userinfo'`,
    );
  }
  const cookie = oauth.cookie ?? {};
  const name = cookie.name ?? 'wechat_session';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new WeChatOptionsError('oauth.cookie.name', 'must be 1-64 characters of A-Za-z0-9_-');
  }
  const sameSite = cookie.sameSite ?? 'lax';
  if (!['lax', 'strict', 'none'].includes(sameSite)) {
    throw new WeChatOptionsError('oauth.cookie.sameSite', `must be 'lax', 'strict' or 'none'`);
  }
  if (cookie.secure !== undefined && typeof cookie.secure !== 'boolean') {
    throw new WeChatOptionsError('oauth.cookie.secure', 'must be true or false');
  }
  if (sameSite === 'none' && cookie.secure !== true) {
    throw new WeChatOptionsError('oauth.cookie.sameSite', `'none' needs oauth.cookie.secure: true`);
  }
  return {
    callbackPath,
    defaultScope,
    sessionSecrets: [...(secrets as string[])],
    publicUrl:
      oauth.publicUrl === undefined ? undefined : baseUrl('oauth.publicUrl', oauth.publicUrl),
    cookie: {
      name,
      secure: cookie.secure,
      sameSite,
      maxAgeSeconds: integerIn(
        'oauth.cookie.maxAgeSeconds',
        cookie.maxAgeSeconds,
        7 * 86_400,
        60,
        400 * 86_400,
      ),
    },
    stateTtlSeconds: integerIn('oauth.stateTtlSeconds', oauth.stateTtlSeconds, 600, 1, 600),
  };
}
