/** Metadata key of `@WeChatAuth()`. */
export const WECHAT_AUTH_METADATA = 'nestjs-wechat:auth';

/** Where the guard puts the signed-in user on the request. */
export const WECHAT_USER_PROPERTY = Symbol('nestjs-wechat:user');
