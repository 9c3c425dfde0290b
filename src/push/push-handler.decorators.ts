import { assignMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { WECHAT_NAMESPACE } from '../wechat.constants.js';
import { type WeChatEventType, type WeChatMessageType } from './push-message.types.js';

/** Metadata key of `@OnWeChatMessage()` / `@OnWeChatEvent()`: the method's subscriptions. */
export const PUSH_HANDLER_METADATA = `${WECHAT_NAMESPACE}:push-handler`;
/** Metadata key of the `@WeChatPushMessage()` parameter (what pipes apply to). */
export const PUSH_ARGS_METADATA = `${WECHAT_NAMESPACE}:push-args`;
/** The one parameter type of push handlers: the typed push. */
export const PUSH_MESSAGE_PARAM = 0;

/** Matches text content (a message) or the scene, else `EventKey` (an event). */
export type PushFilter = string | RegExp;

/** What one decorator subscribes a method to. */
export interface PushSubscription {
  kind: 'message' | 'event';
  /** `MsgType` of a message or `Event` of an event; none: every one of its kind (the fallback). */
  type?: string;
  filter?: PushFilter;
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
): MethodDecorator {
  return subscribe({ kind: 'message', type, filter });
}

/**
 * Runs the method for pushed events (`MsgType` `event`) whose `Event` is `event`, or for every
 * event when none is given (the fallback). `filter` matches the QR `scene` of `subscribe`/`SCAN`,
 * or else `EventKey` (a menu button's key, a `VIEW`'s URL).
 */
export function OnWeChatEvent(
  event?: WeChatEventType | (string & {}),
  filter?: PushFilter,
): MethodDecorator {
  return subscribe({ kind: 'event', type: event, filter });
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
  return (_target, _key, descriptor) => {
    const method = descriptor.value as object;
    const existing: PushSubscription[] = Reflect.getMetadata(PUSH_HANDLER_METADATA, method) ?? [];
    Reflect.defineMetadata(PUSH_HANDLER_METADATA, [...existing, copy], method);
    return descriptor;
  };
}
