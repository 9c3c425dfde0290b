import { type DynamicModule, type Type } from '@nestjs/common';
import { type WeChatModuleOptions } from './wechat-module-options.interface.js';
import { WeChatOptionsError } from './wechat-options.error.js';

/**
 * A built-in controller mounted from the options (the OAuth callback, the push endpoint). Nest
 * registers routes before a `forRootAsync` factory runs, so there the path comes next to
 * `useFactory` (`asyncOption`) and the factory's options must agree with it.
 */
export interface RouteMount {
  /** The feature's option (`oauth`), which mounts the controller when set. */
  feature: 'oauth' | 'push';
  /** Its path option under the feature (`callbackPath`). */
  pathOption: 'callbackPath' | 'path';
  /** `forRootAsync`'s option that gives the path (`oauthCallbackPath`). */
  asyncOption: string;
  defaultPath: string;
  /** Injection token of where the module mounted it (or null). */
  token: symbol;
  /** The controller class, one per module, at `path`, for one account or several. */
  controller(path: string, form: ModuleForm): Type<unknown>;
}

/** One account at the top level, or several (`accounts`, `accountSource`). */
export type ModuleForm = 'single' | 'accounts';

type FeatureOptions = { [path: string]: unknown } | undefined;

/** The form of the module's options. */
export function formOf(options: WeChatModuleOptions | undefined): ModuleForm {
  return options?.accounts !== undefined || options?.accountSource !== undefined
    ? 'accounts'
    : 'single';
}

// The feature is on when the module sets it, or (several accounts) any listed account does.
function featureOf(mount: RouteMount, options: WeChatModuleOptions): FeatureOptions {
  const own = options[mount.feature] as FeatureOptions;
  if (own || !Array.isArray(options.accounts)) return own;
  const anyAccount = options.accounts.some((account) => account?.[mount.feature] !== undefined);
  return anyAccount ? {} : undefined;
}

/** Where `forRoot` mounts the controller: at the feature's path when it is set, else nowhere. */
export function mountPathOf(
  mount: RouteMount,
  options: WeChatModuleOptions | undefined,
): string | null {
  const feature = options && featureOf(mount, options);
  if (!feature) return null;
  return (feature[mount.pathOption] as string | undefined) ?? mount.defaultPath;
}

/** `module` with the controller of its own at `path`, and `path` for the options check. */
export function withMountedRoute(
  mount: RouteMount,
  module: DynamicModule,
  path: string | null,
  form: ModuleForm,
): DynamicModule {
  return {
    ...module,
    providers: [...(module.providers ?? []), { provide: mount.token, useValue: { path, form } }],
    controllers: [
      ...(module.controllers ?? []),
      ...(path === null ? [] : [mount.controller(path, form)]),
    ],
  };
}

/** Where a module mounted a controller, and for which form of the options. */
export interface MountedRoute {
  path: string | null;
  form: ModuleForm;
}

/** The options with the feature's path taken from where the controller is mounted. */
export function agreeWithMountedRoute(
  mount: RouteMount,
  raw: WeChatModuleOptions,
  { path, form }: MountedRoute,
): WeChatModuleOptions {
  const feature = raw && featureOf(mount, raw);
  const { asyncOption } = mount;
  if (path !== null && feature && formOf(raw) !== form) {
    throw new WeChatOptionsError(
      'severalAccounts',
      form === 'accounts'
        ? `is true next to useFactory, but the factory's options have one account (appId): leave severalAccounts out`
        : `is missing next to useFactory: the factory's options have several accounts (accounts/accountSource), so set severalAccounts: true there (Nest registers routes before the factory runs)`,
    );
  }
  if (!feature) {
    if (path === null) return raw;
    throw new WeChatOptionsError(
      asyncOption,
      `is set, but the options from the factory set no ${mount.feature}: set both, or neither`,
    );
  }
  const given = feature[mount.pathOption] as string | undefined;
  if (path === null) {
    throw new WeChatOptionsError(
      asyncOption,
      `is missing: the options from the factory set ${mount.feature}, and Nest registers routes before the factory runs, so give the path next to useFactory (${asyncOption}: ${JSON.stringify(given ?? mount.defaultPath)})`,
    );
  }
  if (given !== undefined && given !== path) {
    throw new WeChatOptionsError(
      `${mount.feature}.${mount.pathOption}`,
      `is ${JSON.stringify(given)}, but forRootAsync's ${asyncOption} is ${JSON.stringify(path)}: leave one out or make them the same`,
    );
  }
  // Several accounts: the module's options carry the path (resolveModuleOptions takes it from
  // the mount), so a feature that only accounts set is not switched on for all of them.
  if (form === 'accounts') return raw;
  return { ...raw, [mount.feature]: { ...feature, [mount.pathOption]: path } };
}
