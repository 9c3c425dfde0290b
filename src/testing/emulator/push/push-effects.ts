import { type CustomerServiceWindow } from '../customer-service-window.js';
import { type EmulatorUsers } from '../emulator-users.js';
import { type EmulatorQrCode } from '../qr-codes.js';
import { type PushFields } from './push-serialize.js';

/** The state a push changes. */
export interface PushEffectState {
  users: EmulatorUsers;
  window: CustomerServiceWindow;
  qrCodes(): EmulatorQrCode[];
}

/**
 * What the user's action changes at WeChat, whatever the app answers: a follow or unfollow
 * changes `subscribed` (and `user/info`'s subscribe_time, subscribe_scene, qr_scene,
 * qr_scene_str: "如果用户曾多次关注，则取最后关注时间"), and messages, follows, QR scans and
 * menu clicks open the customer-service window (customer-service-window.ts). Every message type
 * counts as "用户发送消息", not text only. Applied before the push is sent, as at WeChat: the
 * app's handler may call `user/info` or `message/custom/send` while it answers.
 *
 * Choices where WeChat publishes no rule: a follow records a `follow` interaction only, through a
 * QR code too; a follow without a QR code gets subscribe_scene `ADD_SCENE_OTHERS`.
 */
export function applyPushEffects(fields: PushFields, state: PushEffectState): void {
  const openid = fields.FromUserName as string;
  const user = state.users.get(openid);
  if (!user) return;
  if (fields.MsgType !== 'event') {
    state.window.recordInteraction(openid, 'message');
    return;
  }
  switch (fields.Event) {
    case 'subscribe': {
      const code = state.qrCodes().find((candidate) => candidate.ticket === fields.Ticket);
      user.subscribed = true;
      user.subscribeTime = typeof fields.CreateTime === 'number' ? fields.CreateTime : 0;
      user.subscribeScene = code ? 'ADD_SCENE_QR_CODE' : 'ADD_SCENE_OTHERS';
      user.qrScene = code && 'scene_id' in code.scene ? code.scene.scene_id : 0;
      user.qrSceneStr = code && 'scene_str' in code.scene ? code.scene.scene_str : '';
      state.window.recordInteraction(openid, 'follow');
      return;
    }
    case 'unsubscribe':
      user.subscribed = false;
      return;
    case 'SCAN':
      state.window.recordInteraction(openid, 'scan');
      return;
    case 'CLICK':
      state.window.recordInteraction(openid, 'menu-click');
      return;
  }
}
