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
  /** The controller class, one per module, at `path`. */
  controller(path: string): Type<unknown>;
}

type FeatureOptions = { [path: string]: unknown } | undefined;

function featureOf(mount: RouteMount, options: WeChatModuleOptions): FeatureOptions {
  return options[mount.feature] as FeatureOptions;
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
): DynamicModule {
  return {
    ...module,
    providers: [...(module.providers ?? []), { provide: mount.token, useValue: path }],
    controllers: [
      ...(module.controllers ?? []),
      ...(path === null ? [] : [mount.controller(path)]),
    ],
  };
}

/** The options with the feature's path taken from where the controller is mounted. */
export function agreeWithMountedRoute(
  mount: RouteMount,
  raw: WeChatModuleOptions,
  path: string | null,
): WeChatModuleOptions {
  const feature = raw && featureOf(mount, raw);
  const { asyncOption } = mount;
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
  return { ...raw, [mount.feature]: { ...feature, [mount.pathOption]: path } };
}
