import { Inject, Logger, type Provider } from '@nestjs/common';
import { WECHAT_NAMESPACE } from '../wechat.constants.js';
import { missingAccount } from './missing-account.js';
import { type WeChatAccount } from './wechat-account.js';
import { WeChatAccountNotFoundError } from './wechat-account-not-found.error.js';
import { WeChatAccounts } from './wechat-accounts.js';

// Names used with @InjectWeChatAccount, recorded as the decorators run (when the app's classes
// are imported, before its modules are built), so that WeChatModule provides each one.
const injectedNames = new Set<string>();

/** The injection token of the account called `name` (or with that appId). */
export function weChatAccountToken(name: string): string {
  return `${WECHAT_NAMESPACE}:account:${name}`;
}

/**
 * Injects the `WeChatAccount` with this name or appId (a listed one, or one the `accountSource`
 * finds at start-up). Without one, start-up logs a warning and any use of it fails.
 */
export function InjectWeChatAccount(name: string): PropertyDecorator & ParameterDecorator {
  injectedNames.add(name);
  return Inject(weChatAccountToken(name));
}

/** Providers of every account injected by name so far. */
export function injectedAccountProviders(): Provider[] {
  return [...injectedNames].map((name) => ({
    provide: weChatAccountToken(name),
    inject: [WeChatAccounts],
    useFactory: async (accounts: WeChatAccounts) => {
      try {
        return await accounts.get(name);
      } catch (error) {
        if (!(error instanceof WeChatAccountNotFoundError)) throw error;
        // Another WeChatModule of the app may be the one that has it.
        new Logger('WeChat:accounts').warn(
          `@InjectWeChatAccount(${JSON.stringify(name)}): this WeChatModule has no such account`,
        );
        return missingAccount<WeChatAccount>(
          `@InjectWeChatAccount(${JSON.stringify(name)}): WeChatModule has no account of that name or appId`,
        );
      }
    },
  }));
}
