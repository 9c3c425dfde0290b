import {
  createParamDecorator,
  type ExecutionContext,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { WECHAT_USER_PROPERTY } from './oauth.constants.js';
import { type WeChatAuthUser } from './oauth.types.js';

/** The type of `@WeChatUser()`, spelled out so that it reads the same in Nest 11 and Nest 12. */
export type WeChatUserDecorator = (
  ...fieldOrPipes: (keyof WeChatAuthUser | Type<PipeTransform> | PipeTransform | undefined)[]
) => ParameterDecorator;

/** The signed-in user of a `@WeChatAuth()` route (or one of its fields: `@WeChatUser('openid')`). */
export const WeChatUser: WeChatUserDecorator = createParamDecorator(
  (field: keyof WeChatAuthUser | undefined, context: ExecutionContext) => {
    const request = context.switchToHttp().getRequest<Record<symbol, WeChatAuthUser | undefined>>();
    const user = request[WECHAT_USER_PROPERTY];
    return field ? user?.[field] : user;
  },
);
