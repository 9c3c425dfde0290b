import { type WeChatPush } from './push-message.types.js';

/**
 * The key of a push and its retries (wechat-push.md section 5): the appId and `MsgId` for a
 * message; for an event, the appId, user, `CreateTime`, `Event` and `EventKey` (two events of one
 * user can share a second, and `MsgId`s have collided across users).
 */
export function pushKey(appId: string, push: WeChatPush): string {
  const fields = push as unknown as Record<string, unknown>;
  if (push.MsgType !== 'event' && typeof fields.MsgId === 'string' && fields.MsgId !== '') {
    return JSON.stringify([appId, 'message', fields.MsgId]);
  }
  return JSON.stringify([
    appId,
    push.MsgType,
    push.FromUserName,
    push.CreateTime,
    typeof fields.Event === 'string' ? fields.Event : '',
    typeof fields.EventKey === 'string' ? fields.EventKey : '',
  ]);
}
