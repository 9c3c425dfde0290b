import { DEFAULT_CALLBACK_PATH, DEFAULT_PUSH_PATH } from '../wechat.constants.js';
import { routePath } from './option-values.js';
import { resolveAccount, type AccountContext } from './resolve-account-options.js';
import { resolveShared } from './resolve-shared-options.js';
import {
  type ResolvedModuleOptions,
  type ResolvedWeChatOptions,
  type WeChatAccountOptions,
  type WeChatModuleOptions,
} from './wechat-module-options.interface.js';
import { WeChatOptionsError } from './wechat-options.error.js';

/** Validates the options given to `WeChatModule` and fills in the defaults. */
export function resolveModuleOptions(
  raw: WeChatModuleOptions | undefined,
  mounted: { callbackPath?: string | null; pushPath?: string | null } = {},
): ResolvedModuleOptions {
  if (!raw || typeof raw !== 'object') {
    throw new WeChatOptionsError('(options)', 'forRoot needs an options object');
  }
  const many = raw.accounts !== undefined || raw.accountSource !== undefined;
  if (many && (raw.appId !== undefined || raw.appSecret !== undefined)) {
    throw new WeChatOptionsError(
      raw.appId !== undefined ? 'appId' : 'appSecret',
      'is set next to accounts/accountSource: give one account at the top level, or every account in accounts',
    );
  }
  const shared = resolveShared(raw);
  // Where the module mounted its routes (forRootAsync's oauthCallbackPath, pushPath) wins.
  const callbackPath = routePath(
    'oauth.callbackPath',
    mounted.callbackPath ?? raw.oauth?.callbackPath ?? DEFAULT_CALLBACK_PATH,
    DEFAULT_CALLBACK_PATH,
  );
  const pushPath = routePath(
    'push.path',
    mounted.pushPath ?? raw.push?.path ?? DEFAULT_PUSH_PATH,
    DEFAULT_PUSH_PATH,
  );
  if (!many) {
    const { appId, appSecret, token, oauth, push } = raw;
    const context: AccountContext = {
      shared,
      defaults: {},
      form: 'single',
      callbackPath,
      pushPath,
    };
    const account = resolveAccount(
      { appId, appSecret, token, oauth, push } as WeChatAccountOptions,
      context,
    );
    return {
      form: 'single',
      shared,
      accounts: [account],
      accountDefaults: {},
      callbackPath: account.oauth?.callbackPath ?? callbackPath,
      pushPath: account.push?.path ?? pushPath,
    };
  }
  return resolveAccountsForm(raw, shared, callbackPath, pushPath);
}

function resolveAccountsForm(
  raw: WeChatModuleOptions,
  shared: ResolvedModuleOptions['shared'],
  callbackPath: string,
  pushPath: string,
): ResolvedModuleOptions {
  const { accounts = [], accountSource, token, oauth, push } = raw;
  if (!Array.isArray(accounts)) {
    throw new WeChatOptionsError('accounts', 'must be an array of { name?, appId, appSecret, … }');
  }
  if (accountSource !== undefined && typeof accountSource?.find !== 'function') {
    throw new WeChatOptionsError('accountSource', 'must have find(appIdOrName)');
  }
  if (accounts.length === 0 && accountSource === undefined) {
    throw new WeChatOptionsError('accounts', 'is empty: list an account, or give an accountSource');
  }
  if (push?.path !== undefined && pushPath === callbackPath) {
    throw new WeChatOptionsError('push.path', 'must differ from oauth.callbackPath');
  }
  // The push endpoint takes every `${pushPath}/<segment>`: the callback cannot live there.
  if (callbackPath.startsWith(`${pushPath}/`)) {
    throw new WeChatOptionsError(
      'oauth.callbackPath',
      `must not be under ${pushPath}/, where each path names an account's push endpoint`,
    );
  }
  const accountDefaults = { token, oauth, push };
  const context: AccountContext = {
    shared,
    defaults: accountDefaults,
    form: 'accounts',
    callbackPath,
    pushPath,
  };
  const resolved = accounts.map((account: WeChatAccountOptions, i) =>
    resolveAccount(account, context, `accounts[${i}]`),
  );
  refuseClashes(resolved);
  return {
    form: 'accounts',
    shared,
    accounts: resolved,
    source: accountSource,
    accountDefaults,
    callbackPath,
    pushPath,
  };
}

// An appId or a name must lead to one account only, and a cookie belong to one account.
function refuseClashes(accounts: ResolvedWeChatOptions[]): void {
  const seen = new Map<string, number>();
  const cookies = new Map<string, number>();
  accounts.forEach((account, i) => {
    const cookie = account.oauth?.cookie.name;
    for (const name of cookie === undefined ? [] : [cookie, `${cookie}_oauth`]) {
      const other = cookies.get(name);
      if (other !== undefined) {
        throw new WeChatOptionsError(
          `accounts[${i}].oauth.cookie.name`,
          `makes a cookie (${name}) of accounts[${other}] too: each account signs its users in under cookies of its own`,
        );
      }
      cookies.set(name, i);
    }
    for (const key of new Set([account.appId, account.name])) {
      const other = seen.get(key);
      if (other !== undefined && other !== i) {
        throw new WeChatOptionsError(
          `accounts[${i}]`,
          `has the appId or name ${JSON.stringify(key)} of accounts[${other}]: each must lead to one account`,
        );
      }
      seen.set(key, i);
    }
  });
}

/** The default account's options: the one account, or the first of `accounts`. */
export function resolveOptions(raw: WeChatModuleOptions | undefined): ResolvedWeChatOptions {
  const resolved = resolveModuleOptions(raw);
  const first = resolved.accounts[0];
  if (!first) {
    throw new WeChatOptionsError('accounts', 'is empty: there is no default account');
  }
  return first;
}
