import { type DynamicModule } from '@nestjs/common';
import { type WeChatModuleOptions } from '../options/wechat-module-options.interface.js';
import { WeChatOptionsError } from '../options/wechat-options.error.js';
import { DEFAULT_PUSH_PATH } from '../wechat.constants.js';
import { createPushEndpointController } from './push-endpoint.controller.js';

/** Injection token of where this module's push endpoint is mounted (or null). */
export const PUSH_ENDPOINT_MOUNT = Symbol('nestjs-wechat:push-endpoint-mount');

/** Where `forRoot` mounts the push endpoint: at `push.path` when push is set, else nowhere. */
export function pushMountOf(options: WeChatModuleOptions | undefined): string | null {
  return options?.push ? (options.push.path ?? DEFAULT_PUSH_PATH) : null;
}

/** `module` with a push endpoint of its own at `mount`, and `mount` for the options check. */
export function withPushEndpoint(module: DynamicModule, mount: string | null): DynamicModule {
  return {
    ...module,
    providers: [...(module.providers ?? []), { provide: PUSH_ENDPOINT_MOUNT, useValue: mount }],
    controllers: [
      ...(module.controllers ?? []),
      ...(mount === null ? [] : [createPushEndpointController(mount)]),
    ],
  };
}

/**
 * The options with `push.path` taken from the mount. Routes are registered before a
 * `forRootAsync` factory runs, so its options must agree with where the endpoint is mounted.
 */
export function agreeWithPushMount(
  raw: WeChatModuleOptions,
  mount: string | null,
): WeChatModuleOptions {
  if (!raw?.push) {
    if (mount === null) return raw;
    throw new WeChatOptionsError(
      'pushPath',
      'is set, but the options from the factory set no push: set both, or neither',
    );
  }
  if (mount === null) {
    throw new WeChatOptionsError(
      'pushPath',
      `is missing: the options from the factory set push, and Nest registers routes before the factory runs, so give the endpoint's path next to useFactory (pushPath: ${JSON.stringify(raw.push.path ?? DEFAULT_PUSH_PATH)})`,
    );
  }
  const path = raw.push.path;
  if (path !== undefined && path !== mount) {
    throw new WeChatOptionsError(
      'push.path',
      `is ${JSON.stringify(path)}, but forRootAsync's pushPath is ${JSON.stringify(mount)}: leave one out or make them the same`,
    );
  }
  return { ...raw, push: { ...raw.push, path: mount } };
}
