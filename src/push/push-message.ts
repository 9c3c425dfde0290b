import { type WeChatPush } from './push-message.types.js';

/** A push whose envelope fields are missing or malformed: it cannot be handled or answered. */
export class PushMessageError extends Error {
  override readonly name = 'PushMessageError';
}

type Fields = Record<string, unknown>;

// Events whose one container holds a `List` of one or several templates (section 6).
const LISTED_EVENTS = new Map([
  ['subscribe_msg_popup_event', 'SubscribeMsgPopupEvent'],
  ['subscribe_msg_change_event', 'SubscribeMsgChangeEvent'],
  ['subscribe_msg_sent_event', 'SubscribeMsgSentEvent'],
]);
const PICTURE_EVENTS = new Set(['pic_sysphoto', 'pic_photo_or_album', 'pic_weixin']);
const QR_SCENE_PREFIX = 'qrscene_';

/**
 * The typed push from what the XML or JSON reader gave: every field kept, values as strings
 * (JSON numbers become their text), `CreateTime` a number, `List`s and `PicList`s arrays, and
 * `scene` on a QR code's `subscribe` and `SCAN` (wechat-push.md section 6).
 */
export function toWeChatPush(parsed: Fields): WeChatPush {
  const fields = asStrings(parsed) as Fields;
  for (const name of ['ToUserName', 'FromUserName', 'MsgType']) {
    if (typeof fields[name] !== 'string' || fields[name] === '') {
      throw new PushMessageError(`The push has no ${name}`);
    }
  }
  const createTime = fields.CreateTime;
  if (typeof createTime !== 'string' || !/^\d{1,12}$/.test(createTime)) {
    throw new PushMessageError('The push has no CreateTime in seconds');
  }
  const push: Fields = { ...fields, CreateTime: Number(createTime) };
  if (push.MsgType === 'event' && typeof push.Event === 'string') shapeEvent(push, push.Event);
  return push as unknown as WeChatPush;
}

function shapeEvent(push: Fields, event: string): void {
  const key = typeof push.EventKey === 'string' ? push.EventKey : undefined;
  if (event === 'subscribe' && key?.startsWith(QR_SCENE_PREFIX)) {
    push.scene = key.slice(QR_SCENE_PREFIX.length);
  } else if (event === 'SCAN' && key !== undefined) {
    push.scene = key;
  } else if (PICTURE_EVENTS.has(event) && isObject(push.SendPicsInfo)) {
    const info = push.SendPicsInfo;
    push.SendPicsInfo = { ...info, PicList: itemsOf(info.PicList) };
  } else if (LISTED_EVENTS.has(event)) {
    const container = LISTED_EVENTS.get(event)!;
    const holder = push[container];
    if (isObject(holder)) push[container] = { ...holder, List: asArray(holder.List) };
  }
}

// XML gives `<PicList><item>…</item></PicList>` (one item an object, several an array); JSON
// gives the array itself, or an object with `item`.
function itemsOf(list: unknown): unknown[] {
  if (isObject(list) && 'item' in list) return asArray(list.item);
  return asArray(list);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function asStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asStrings);
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asStrings(v)]));
  }
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
