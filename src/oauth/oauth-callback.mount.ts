import { type RouteMount } from '../options/route-mount.js';
import { DEFAULT_CALLBACK_PATH } from '../wechat.constants.js';
import { createOAuthCallbackController } from './oauth-callback.controller.js';
import { OAUTH_CALLBACK_MOUNT } from './oauth.constants.js';

/** The OAuth callback, mounted when `oauth` is set (`oauthCallbackPath` with `forRootAsync`). */
export const OAUTH_CALLBACK_ROUTE: RouteMount = {
  feature: 'oauth',
  pathOption: 'callbackPath',
  asyncOption: 'oauthCallbackPath',
  defaultPath: DEFAULT_CALLBACK_PATH,
  token: OAUTH_CALLBACK_MOUNT,
  controller: createOAuthCallbackController,
};
