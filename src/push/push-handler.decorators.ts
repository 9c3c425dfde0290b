import { assignMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { WECHAT_NAMESPACE } from '../wechat.constants.js';
import { WeChatArgumentError } from '../api/wechat-api.error.js';
import { type WeChatEventType, type WeChatMessageType } from './push-message.types.js';

/** Metadata key of `@OnWeChatMessage()` / `@OnWeChatEvent()`: the method's subscriptions. */
export const PUSH_HANDLER_METADATA = `${WECHAT_NAMESPACE}:push-handler`;
/** Metadata key of the `@WeChatPushMessage()` parameter (what pipes apply to). */
export const PUSH_ARGS_METADATA = `${WECHAT_NAMESPACE}:push-args`;
/** The one parameter type of push handlers: the typed push. */
export const PUSH_MESSAGE_PARAM = 0;

/** Matches text content (a message) or the scene, else `EventKey` (an event). */
export type PushFilter = string | RegExp;

/** Options of `@OnWeChatMessage()` / `@OnWeChatEvent()` beyond the type and the filter. */
export interface PushHandlerOptions {
  /**
   * Only pushes to this account (its name or appId), or to one of these; default every account.
   * For its accounts, such a handler answers before any handler of every account.
   */
  account?: string | string[];
}

/** What one decorator subscribes a method to. */
export interface PushSubscription {
  kind: 'message' | 'event';
  /** `MsgType` of a message or `Event` of an event; none: every one of its kind (the fallback). */
  type?: string;
  filter?: PushFilter;
  /** Names or appIds of the accounts it is for; none: every account. */
  accounts?: string[];
}

/**
 * Runs the method for pushed messages (`MsgType` other than `event`) of `type`, or for every
 * message when no type is given (the fallback). `filter` matches a text message's `Content`: a
 * string the whole content (trimmed), a RegExp any part. The method gets the typed message and
 * returns the passive reply. Stack several on one method to subscribe it to several.
 */
export function OnWeChatMessage(
  type?: WeChatMessageType | (string & {}),
  filter?: PushFilter,
  options?: PushHandlerOptions,
): MethodDecorator {
  return subscribe({ kind: 'message', type, filter, accounts: accountsOf(options) });
}

/**
 * Runs the method for pushed events (`MsgType` `event`) whose `Event` is `event`, or for every
 * event when none is given (the fallback). `filter` matches the QR `scene` of `subscribe`/`SCAN`,
 * or else `EventKey` (a menu button's key, a `VIEW`'s URL).
 */
export function OnWeChatEvent(
  event?: WeChatEventType | (string & {}),
  filter?: PushFilter,
  options?: PushHandlerOptions,
): MethodDecorator {
  return subscribe({ kind: 'event', type: event, filter, accounts: accountsOf(options) });
}

/**
 * The typed push as a parameter, with `pipes` applied (global pipes too). Only needed for pipes:
 * without it, a handler's first argument is the push anyway.
 */
export function WeChatPushMessage(
  ...pipes: (Type<PipeTransform> | PipeTransform)[]
): ParameterDecorator {
  return (target, key, index) => {
    const owner = target.constructor;
    const args: object = Reflect.getMetadata(PUSH_ARGS_METADATA, owner, key!) ?? {};
    Reflect.defineMetadata(
      PUSH_ARGS_METADATA,
      assignMetadata(args, PUSH_MESSAGE_PARAM, index, undefined, ...pipes),
      owner,
      key!,
    );
  };
}

function subscribe(subscription: PushSubscription): MethodDecorator {
  const copy: PushSubscription = { kind: subscription.kind };
  if (subscription.type !== undefined) copy.type = subscription.type;
  if (subscription.filter !== undefined) copy.filter = subscription.filter;
  if (subscription.accounts !== undefined) copy.accounts = subscription.accounts;
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const existing: PushSubscription[] = Reflect.getMetadata(PUSH_HANDLER_METADATA, method) ?? [];
    Reflect.defineMetadata(PUSH_HANDLER_METADATA, [...existing, copy], method);
    return descriptor;
  };
}

function accountsOf(options: PushHandlerOptions | undefined): string[] | undefined {
  const account = options?.account;
  if (account === undefined) return undefined;
  const list = typeof account === 'string' ? [account] : account;
  if (!Array.isArray(list) || list.length === 0 || list.some((a) => typeof a !== 'string' || !a)) {
    throw new WeChatArgumentError(
      'push handler account',
      'must be an account name or appId, or a non-empty list of them',
    );
  }
  return [...list];
}
