import { isEncodingAesKey, PushCipher } from '../../../push/push-cipher.js';
import { WECHAT_TRY_MS } from '../../../push/push-deliveries.js';

/** The message encryption mode of the push URL (明文, 兼容, 安全). */
export type EmulatorPushMode = 'plain' | 'compatible' | 'safe';

/** The data format of pushes and replies. */
export type EmulatorPushFormat = 'xml' | 'json';

/** What `configurePush` takes: the console's server configuration (服务器配置). */
export interface EmulatorPushConfig {
  /**
   * The app's push endpoint, `http://` or `https://`; or the endpoints of several instances of
   * the app, as a load balancer spreads WeChat's tries: try n (from 0) goes to
   * `url[n % url.length]`, the URL verification to each, and every try's answer in the outcome
   * says which URL it went to (`answers[i].url`).
   */
  url: string | string[];
  /** 3-32 characters of `[A-Za-z0-9]`. */
  token: string;
  /** 43 characters of `[A-Za-z0-9]`; required in compatible and safe mode. */
  encodingAESKey?: string;
  mode: EmulatorPushMode;
  /** Default `xml`. */
  format?: EmulatorPushFormat;
  /** How long each try waits for the answer, in real milliseconds; default WeChat's 5000. */
  tryTimeoutMs?: number;
}

/** A checked configuration, as pushes use it. */
export interface PushConfig {
  /** Where the tries go: try n (from 0) to `urls[n % urls.length]`. One URL unless sprayed. */
  urls: URL[];
  /** `url` was a list: each try's answer records the URL it went to. */
  sprayed: boolean;
  token: string;
  mode: EmulatorPushMode;
  format: EmulatorPushFormat;
  /** Present in compatible and safe mode. */
  cipher?: PushCipher;
  tryTimeoutMs: number;
}

// wechat-push.md section 1: Token 3-32 characters; EncodingAESKey 43 characters of [A-Za-z0-9].
const TOKEN = /^[A-Za-z0-9]{3,32}$/;
const MODES: readonly EmulatorPushMode[] = ['plain', 'compatible', 'safe'];
const FORMATS: readonly EmulatorPushFormat[] = ['xml', 'json'];

/**
 * Checks a configuration as WeChat's console does, with errors that never quote the token or
 * the key. Choice: the console only takes ports 80 and 443; any port is accepted here, since
 * the app under test listens where it can.
 */
export function checkPushConfig(input: EmulatorPushConfig): PushConfig {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError('configurePush takes { url, token, encodingAESKey?, mode, format? }');
  }
  const urls = Array.isArray(input.url) ? pushUrls(input.url) : [pushUrl(input.url)];
  if (typeof input.token !== 'string' || !TOKEN.test(input.token)) {
    throw new Error('configurePush: the Token must be 3-32 characters of [A-Za-z0-9]');
  }
  if (!MODES.includes(input.mode)) {
    throw new Error(`configurePush: mode must be one of ${MODES.join(', ')}`);
  }
  const format = input.format ?? 'xml';
  if (!FORMATS.includes(format)) {
    throw new Error(`configurePush: format must be one of ${FORMATS.join(', ')}`);
  }
  const key = input.encodingAESKey;
  if (key !== undefined && !isEncodingAesKey(key)) {
    throw new Error('configurePush: the EncodingAESKey must be 43 characters of [A-Za-z0-9]');
  }
  if (input.mode !== 'plain' && key === undefined) {
    throw new Error(`configurePush: ${input.mode} mode needs an EncodingAESKey`);
  }
  const tryTimeoutMs = input.tryTimeoutMs ?? WECHAT_TRY_MS;
  if (typeof tryTimeoutMs !== 'number' || !(tryTimeoutMs > 0) || !Number.isFinite(tryTimeoutMs)) {
    throw new RangeError('configurePush: tryTimeoutMs must be a positive number of milliseconds');
  }
  return {
    urls,
    sprayed: Array.isArray(input.url),
    token: input.token,
    mode: input.mode,
    format,
    cipher: input.mode === 'plain' || key === undefined ? undefined : new PushCipher(key),
    tryTimeoutMs,
  };
}

function pushUrls(urls: unknown[]): URL[] {
  if (urls.length === 0) {
    throw new Error(
      'configurePush: url must be an absolute http:// or https:// URL, or a non-empty list of them',
    );
  }
  return urls.map(pushUrl);
}

function pushUrl(url: unknown): URL {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new Error('configurePush: url must be an absolute http:// or https:// URL');
  }
  return parsed;
}
