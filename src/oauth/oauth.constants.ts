import { WECHAT_NAMESPACE } from '../wechat.constants.js';

/** Metadata key of `@WeChatAuth()`. */
export const WECHAT_AUTH_METADATA = `${WECHAT_NAMESPACE}:auth`;

/** Where the guard puts the signed-in user on the request. */
export const WECHAT_USER_PROPERTY = Symbol(`${WECHAT_NAMESPACE}:user`);

/** Where this module's OAuth callback is mounted (fixed when the module is defined), or null. */
export const OAUTH_CALLBACK_MOUNT = Symbol(`${WECHAT_NAMESPACE}:oauth-callback-mount`);
