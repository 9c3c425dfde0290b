import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { WECHAT_USER_PROPERTY } from './oauth.constants.js';
import { type WeChatAuthUser } from './oauth.types.js';

/** The signed-in user of a `@WeChatAuth()` route (or one of its fields: `@WeChatUser('openid')`). */
export const WeChatUser = createParamDecorator(
  (field: keyof WeChatAuthUser | undefined, context: ExecutionContext) => {
    const request = context.switchToHttp().getRequest<Record<symbol, WeChatAuthUser | undefined>>();
    const user = request[WECHAT_USER_PROPERTY];
    return field ? user?.[field] : user;
  },
);
