import { isWeChatClock, systemClock, type WeChatClock } from '../clock/wechat-clock.js';
import { DEFAULT_URL_ALLOW_LIST } from '../http/url-allow-list.js';
import { baseUrl, integerIn, urlAllowList } from './option-values.js';
import { resolveRedis } from './resolve-redis-options.js';
import {
  type ResolvedSharedOptions,
  type WeChatSharedOptions,
} from './wechat-module-options.interface.js';
import { WeChatOptionsError } from './wechat-options.error.js';

const DEFAULT_API_BASE_URL = 'https://api.weixin.qq.com';
const DEFAULT_FALLBACK_API_BASE_URLS = ['https://api2.weixin.qq.com'];
const DEFAULT_OPEN_BASE_URL = 'https://open.weixin.qq.com';
const DEFAULT_MP_BASE_URL = 'https://mp.weixin.qq.com';
const MIB = 1024 * 1024;

/** Validates what every account of the module shares and fills in the defaults. */
export function resolveShared(raw: WeChatSharedOptions): ResolvedSharedOptions {
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
  return {
    apiBaseUrls,
    openBaseUrl: baseUrl('openBaseUrl', raw.openBaseUrl ?? DEFAULT_OPEN_BASE_URL),
    mpBaseUrl: baseUrl('mpBaseUrl', raw.mpBaseUrl ?? DEFAULT_MP_BASE_URL),
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
    refreshesPerSecond: integerIn('refreshesPerSecond', raw.refreshesPerSecond, 20, 1, 10_000),
  };
}

function resolveDownload(download: NonNullable<WeChatSharedOptions['download']>) {
  return {
    idleTimeoutMs: integerIn('download.idleTimeoutMs', download.idleTimeoutMs, 10_000, 1, 600_000),
    deadlineMs:
      download.deadlineMs === undefined
        ? undefined
        : integerIn('download.deadlineMs', download.deadlineMs, 0, 1, 86_400_000),
    maxBytes:
      download.maxBytes === undefined
        ? undefined
        : integerIn('download.maxBytes', download.maxBytes, 0, 1, Number.MAX_SAFE_INTEGER),
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
