import { DEFAULT_CALLBACK_PATH } from '../wechat.constants.js';
import { baseUrl, integerIn, routePath } from './option-values.js';
import { type OAuthOptions, type ResolvedOAuthOptions } from './wechat-module-options.interface.js';
import { WeChatOptionsError } from './wechat-options.error.js';

const MIN_SESSION_SECRET_BYTES = 32;

/** Validates `oauth` and fills in its defaults. */
export function resolveOAuth(oauth: OAuthOptions): ResolvedOAuthOptions {
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
