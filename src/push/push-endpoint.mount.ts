import { type RouteMount } from '../options/route-mount.js';
import { DEFAULT_PUSH_PATH, WECHAT_NAMESPACE } from '../wechat.constants.js';
import { createPushEndpointController } from './push-endpoint.controller.js';

/** Injection token of where this module's push endpoint is mounted (or null). */
export const PUSH_ENDPOINT_MOUNT = Symbol(`${WECHAT_NAMESPACE}:push-endpoint-mount`);

/** The push endpoint, mounted when `push` is set (`pushPath` with `forRootAsync`). */
export const PUSH_ENDPOINT_ROUTE: RouteMount = {
  feature: 'push',
  pathOption: 'path',
  asyncOption: 'pushPath',
  defaultPath: DEFAULT_PUSH_PATH,
  token: PUSH_ENDPOINT_MOUNT,
  controller: createPushEndpointController,
};
