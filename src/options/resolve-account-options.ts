import { booleanOr, integerIn, requiredString } from './option-values.js';
import { resolveOAuth } from './resolve-oauth-options.js';
import { resolvePush } from './resolve-push-options.js';
import { stateSuffixOf } from '../oauth/pending-authorizations.js';
import {
  type OAuthOptions,
  type PushOptions,
  type ResolvedSharedOptions,
  type ResolvedWeChatOptions,
  type TokenOptions,
  type WeChatAccountOptions,
} from './wechat-module-options.interface.js';
import { WeChatOptionsError } from './wechat-options.error.js';

/** Where an account's options came from and what the module fixes for all of them. */
export interface AccountContext {
  shared: ResolvedSharedOptions;
  /** The module's `token`, `oauth` and `push`, which the account's own override. */
  defaults: { token?: TokenOptions; oauth?: Partial<OAuthOptions>; push?: Partial<PushOptions> };
  /** `single`: today's form (names as they are); `accounts`: cookie names per account. */
  form: 'single' | 'accounts';
  callbackPath: string;
  pushPath: string;
}

const ACCOUNT_FIELDS = new Set(['name', 'appId', 'appSecret', 'token', 'oauth', 'push']);
const ACCOUNT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Validates one account (its fields over the module's defaults) and fills in its defaults.
 * Errors name the option from the top of the module's options (`accounts[1].push.token`).
 */
export function resolveAccount(
  given: WeChatAccountOptions,
  context: AccountContext,
  location?: string,
): ResolvedWeChatOptions {
  try {
    return resolveAccountFields(given, context);
  } catch (error) {
    throw error instanceof WeChatOptionsError && location ? error.within(location) : error;
  }
}

function resolveAccountFields(
  given: WeChatAccountOptions,
  { shared, defaults, form, callbackPath, pushPath }: AccountContext,
): ResolvedWeChatOptions {
  if (!given || typeof given !== 'object') {
    throw new WeChatOptionsError('(account)', 'must be an object with appId and appSecret');
  }
  if (form === 'accounts') {
    const unknown = Object.keys(given).filter((field) => !ACCOUNT_FIELDS.has(field));
    if (unknown.length > 0) {
      throw new WeChatOptionsError(
        unknown[0]!,
        `is not an account option (expected ${[...ACCOUNT_FIELDS].join(', ')})`,
      );
    }
  }
  const appId = requiredString('appId', given.appId);
  if (/\s/.test(appId)) throw new WeChatOptionsError('appId', 'must not contain white space');
  const appSecret = requiredString('appSecret', given.appSecret);
  const name = given.name ?? appId;
  if (typeof name !== 'string' || !ACCOUNT_NAME.test(name)) {
    throw new WeChatOptionsError('name', 'must be 1-64 characters of A-Za-z0-9_-');
  }
  // An account is found by its name or its appId: a name that could be another account's appId
  // would take that appId's pushes, sign-ins and handlers.
  if (name !== appId && /^wx/i.test(name)) {
    throw new WeChatOptionsError('name', "must not begin with 'wx' (that is how appIds begin)");
  }

  const token = { ...defaults.token, ...given.token };
  const source = token.source ?? 'token';
  if (source !== 'token' && source !== 'stable_token') {
    throw new WeChatOptionsError('token.source', `must be 'token' or 'stable_token'`);
  }
  const oauth = resolveAccountOAuth(given, defaults.oauth, form, name, appId, callbackPath);
  const push = resolveAccountPush(given, defaults.push, form, pushPath, oauth?.callbackPath);
  return {
    ...shared,
    name,
    appId,
    appSecret,
    token: {
      source,
      refreshAheadSeconds: integerIn(
        'token.refreshAheadSeconds',
        token.refreshAheadSeconds,
        300,
        1,
        3600,
      ),
      prefetch: booleanOr('token.prefetch', token.prefetch, true),
      failureCooldownSeconds: integerIn(
        'token.failureCooldownSeconds',
        token.failureCooldownSeconds,
        60,
        0,
        86_400,
      ),
    },
    oauth,
    push,
  };
}

function resolveAccountOAuth(
  given: WeChatAccountOptions,
  defaults: Partial<OAuthOptions> | undefined,
  form: AccountContext['form'],
  name: string,
  appId: string,
  callbackPath: string,
) {
  const own = given.oauth;
  if (!own && !defaults) return undefined;
  if (form === 'accounts' && own?.callbackPath !== undefined && own.callbackPath !== callbackPath) {
    throw new WeChatOptionsError(
      'oauth.callbackPath',
      `must be left out: one callback route (${callbackPath}, the module's oauth.callbackPath) serves every account`,
    );
  }
  const merged = {
    ...defaults,
    ...own,
    callbackPath: form === 'accounts' ? callbackPath : own?.callbackPath,
    cookie: { ...defaults?.cookie, ...own?.cookie },
  } as OAuthOptions;
  const resolved = resolveOAuth(merged);
  if (stateSuffixOf(appId) === undefined) {
    throw new WeChatOptionsError('appId', 'is too long for web authorization (at most 48 bytes)');
  }
  // Each account signs its users in under a cookie of its own, unless it names one itself.
  if (form === 'accounts' && own?.cookie?.name === undefined) {
    resolved.cookie.name = `${resolved.cookie.name}_${name}`;
  }
  return resolved;
}

function resolveAccountPush(
  given: WeChatAccountOptions,
  defaults: Partial<PushOptions> | undefined,
  form: AccountContext['form'],
  pushPath: string,
  oauthCallbackPath: string | undefined,
) {
  const own = given.push;
  if (!own && !defaults) return undefined;
  if (form === 'accounts' && own?.path !== undefined) {
    throw new WeChatOptionsError(
      'push.path',
      `must be left out: the module's endpoint ${pushPath}/:account serves every account (its appId or name last)`,
    );
  }
  const merged = { ...defaults, ...own, path: form === 'accounts' ? pushPath : own?.path };
  return resolvePush(merged as PushOptions, oauthCallbackPath);
}
