import { isEncodingAesKey } from '../push/push-cipher.js';
import { DEFAULT_PUSH_PATH } from '../wechat.constants.js';
import { booleanOr, integerIn, routePath } from './option-values.js';
import { type PushOptions, type ResolvedPushOptions } from './wechat-module-options.interface.js';
import { WeChatOptionsError } from './wechat-options.error.js';

// WeChat's console (服务器配置, wechat-push.md section 1): Token 3-32 letters or digits,
// EncodingAESKey 43 letters or digits.
const PUSH_TOKEN = /^[A-Za-z0-9]{3,32}$/;
/** Largest push body read unless `push.bodyLimitBytes`: WeChat's are a few KB. */
export const DEFAULT_PUSH_BODY_LIMIT = 65_536;

/** Validates `push` and fills in its defaults; `oauthCallbackPath` is the callback's, when on. */
export function resolvePush(
  push: PushOptions,
  oauthCallbackPath: string | undefined,
): ResolvedPushOptions {
  if (typeof push !== 'object' || push === null) {
    throw new WeChatOptionsError('push', 'must be an object with at least token');
  }
  const path = routePath('push.path', push.path ?? DEFAULT_PUSH_PATH, DEFAULT_PUSH_PATH);
  if (path === oauthCallbackPath) {
    throw new WeChatOptionsError('push.path', 'must differ from oauth.callbackPath');
  }
  if (typeof push.token !== 'string' || !PUSH_TOKEN.test(push.token)) {
    throw new WeChatOptionsError(
      'push.token',
      "must be the console's Token: 3 to 32 letters and digits",
    );
  }
  const key = aesKey('push.encodingAESKey', push.encodingAESKey);
  const previous = aesKey('push.previousEncodingAESKey', push.previousEncodingAESKey);
  if (previous !== undefined && key === undefined) {
    throw new WeChatOptionsError(
      'push.previousEncodingAESKey',
      'is set without push.encodingAESKey: give the current key too',
    );
  }
  const requireEncryption = booleanOr('push.requireEncryption', push.requireEncryption, false);
  if (requireEncryption && key === undefined) {
    throw new WeChatOptionsError(
      'push.requireEncryption',
      'needs push.encodingAESKey to decrypt what it requires',
    );
  }
  return {
    path,
    token: push.token,
    encodingAESKey: key,
    previousEncodingAESKey: previous === key ? undefined : previous,
    requireEncryption,
    bodyLimitBytes: integerIn(
      'push.bodyLimitBytes',
      push.bodyLimitBytes,
      DEFAULT_PUSH_BODY_LIMIT,
      1024,
      10_485_760,
    ),
    retryWindowSeconds: integerIn(
      'push.retryWindowSeconds',
      push.retryWindowSeconds,
      60,
      1,
      86_400,
    ),
    replyMarginMs: integerIn('push.replyMarginMs', push.replyMarginMs, 4500, 100, 4900),
    ...lateDelivery(push),
    maxHandlersInFlight: integerIn(
      'push.maxHandlersInFlight',
      push.maxHandlersInFlight,
      1000,
      1,
      1_000_000,
    ),
  };
}

function lateDelivery(push: PushOptions): Pick<ResolvedPushOptions, 'lateReply' | 'onLateReply'> {
  const { lateReply, onLateReply } = push;
  if (lateReply !== undefined && lateReply !== 'customer-service') {
    throw new WeChatOptionsError('push.lateReply', "must be 'customer-service' or left out");
  }
  if (onLateReply !== undefined && typeof onLateReply !== 'function') {
    throw new WeChatOptionsError('push.onLateReply', 'must be a function');
  }
  if (lateReply !== undefined && onLateReply !== undefined) {
    throw new WeChatOptionsError(
      'push.onLateReply',
      'and push.lateReply are both set: onLateReply gets the late replies, so drop lateReply (or send them yourself with MessageClient.sendCustom)',
    );
  }
  return { lateReply, onLateReply };
}

function aesKey(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isEncodingAesKey(value)) {
    throw new WeChatOptionsError(
      name,
      "must be the console's EncodingAESKey: 43 letters and digits",
    );
  }
  return value;
}
