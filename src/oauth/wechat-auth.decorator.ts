import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { WECHAT_AUTH_METADATA } from './oauth.constants.js';
import { isWebScope, type WeChatAuthOptions } from './oauth.types.js';
import { WeChatAuthGuard } from './wechat-auth.guard.js';

/** Requires a WeChat-authorized user on a handler or a whole controller. */
export function WeChatAuth(options: WeChatAuthOptions = {}): ClassDecorator & MethodDecorator {
  if (options.scope !== undefined && !isWebScope(options.scope)) {
    throw new TypeError(`@WeChatAuth: scope must be 'snsapi_base' or 'snsapi_userinfo'`);
  }
  return applyDecorators(SetMetadata(WECHAT_AUTH_METADATA, options), UseGuards(WeChatAuthGuard));
}
