import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { WeChatArgumentError } from '../api/wechat-api.error.js';
import { WECHAT_AUTH_METADATA } from './oauth.constants.js';
import { isWebScope, type WeChatAuthOptions } from './oauth.types.js';
import { WeChatAuthGuard } from './wechat-auth.guard.js';

/**
 * Requires a WeChat-authorized user on a handler or a whole controller, checked by
 * `WeChatAuthGuard` or by the subclass given as `guard`.
 */
export function WeChatAuth(options: WeChatAuthOptions = {}): ClassDecorator & MethodDecorator {
  const { scope, account, guard = WeChatAuthGuard } = options;
  const accountOk =
    account === undefined ||
    typeof account === 'function' ||
    (typeof account === 'string' && account !== '');
  if (!accountOk) {
    throw new WeChatArgumentError(
      '@WeChatAuth account',
      'must be an account name or appId, or a function of the request choosing one',
    );
  }
  if (scope !== undefined && !isWebScope(scope)) {
    throw new WeChatArgumentError(
      '@WeChatAuth scope',
      `must be 'snsapi_base' or 'snsapi_userinfo', got ${JSON.stringify(scope)}`,
    );
  }
  const isAuthGuard = guard === WeChatAuthGuard || guard?.prototype instanceof WeChatAuthGuard;
  if (!isAuthGuard) {
    throw new WeChatArgumentError(
      '@WeChatAuth guard',
      'must be WeChatAuthGuard or a class extending it',
    );
  }
  return applyDecorators(SetMetadata(WECHAT_AUTH_METADATA, { scope, account }), UseGuards(guard));
}
