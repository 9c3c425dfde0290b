import { type LoggerService } from '@nestjs/common';
import { type WeChatPush } from './push-message.types.js';
import { renderReplyJson, WeChatReply, type WeChatReplyMessage } from './push-reply.js';

/**
 * The passive reply a handler's return value stands for: a string is a text reply, a reply of
 * `WeChatReply` is itself, `undefined`, `null` and `''` are no reply ("success"). Anything else,
 * or a reply that does not render, is logged and answered with "success".
 */
export function pushReplyOf(
  value: unknown,
  handlerName: string,
  push: WeChatPush,
  logger: LoggerService,
): WeChatReplyMessage | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  try {
    const reply =
      typeof value === 'string' ? WeChatReply.text(value) : (value as WeChatReplyMessage);
    // Rendering checks every field; it is cheap and gives the same verdict for both formats.
    renderReplyJson(reply, push.FromUserName, push.ToUserName, push.CreateTime);
    return reply;
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    logger.error(
      `${handlerName} returned something that is not a reply on ${describePush(push)} (${problem}); return a string, a WeChatReply or undefined. WeChat gets "success" (no reply)`,
    );
    return undefined;
  }
}

/** The push's type and ids for a log line: never its content. */
export function describePush(push: WeChatPush): string {
  const fields = push as unknown as Record<string, unknown>;
  if (push.MsgType === 'event') {
    return `event ${String(fields.Event)} (CreateTime ${push.CreateTime})`;
  }
  const id =
    typeof fields.MsgId === 'string' ? `MsgId ${fields.MsgId}` : `CreateTime ${push.CreateTime}`;
  return `${push.MsgType} message (${id})`;
}
