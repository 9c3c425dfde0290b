import { type DynamicModule } from '@nestjs/common';
import { type WeChatModuleOptions } from '../options/wechat-module-options.interface.js';
import { WeChatOptionsError } from '../options/wechat-options.error.js';
import { DEFAULT_CALLBACK_PATH } from '../wechat.constants.js';
import { createOAuthCallbackController } from './oauth-callback.controller.js';
import { OAUTH_CALLBACK_MOUNT } from './oauth.constants.js';

/** Where `forRoot` mounts the OAuth callback: at `oauth.callbackPath` when oauth is set, else nowhere. */
export function callbackMountOf(options: WeChatModuleOptions | undefined): string | null {
  return options?.oauth ? (options.oauth.callbackPath ?? DEFAULT_CALLBACK_PATH) : null;
}

/** `module` with a callback controller of its own at `mount`, and `mount` for the options check. */
export function withOAuthCallback(module: DynamicModule, mount: string | null): DynamicModule {
  return {
    ...module,
    providers: [...(module.providers ?? []), { provide: OAUTH_CALLBACK_MOUNT, useValue: mount }],
    controllers: [
      ...(module.controllers ?? []),
      ...(mount === null ? [] : [createOAuthCallbackController(mount)]),
    ],
  };
}

/**
 * The options with `oauth.callbackPath` taken from the mount. Routes are registered before a
 * `forRootAsync` factory runs, so its options must agree with where the callback is mounted.
 */
export function agreeWithMount(
  raw: WeChatModuleOptions,
  mount: string | null,
): WeChatModuleOptions {
  if (!raw?.oauth) {
    if (mount === null) return raw;
    throw new WeChatOptionsError(
      'oauthCallbackPath',
      'is set, but the options from the factory set no oauth: set both, or neither',
    );
  }
  if (mount === null) {
    throw new WeChatOptionsError(
      'oauthCallbackPath',
      `is missing: the options from the factory set oauth, and Nest registers routes before the factory runs, so give the callback's path next to useFactory (oauthCallbackPath: ${JSON.stringify(raw.oauth.callbackPath ?? DEFAULT_CALLBACK_PATH)})`,
    );
  }
  const path = raw.oauth.callbackPath;
  if (path !== undefined && path !== mount) {
    throw new WeChatOptionsError(
      'oauth.callbackPath',
      `is ${JSON.stringify(path)}, but forRootAsync's oauthCallbackPath is ${JSON.stringify(mount)}: leave one out or make them the same`,
    );
  }
  return { ...raw, oauth: { ...raw.oauth, callbackPath: mount } };
}
