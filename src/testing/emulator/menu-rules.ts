import { type EmulatorMenuButton } from './emulator-menu.js';
import { isObject, type JsonObject } from './routes/json-post.js';
import { type Refusal } from './wechat-error-body.js';

const LEAF_TYPES = new Set([
  'click',
  'view',
  'miniprogram',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
  'media_id',
  'view_limited',
  'article_id',
  'article_view_limited',
]);
const KEYED_TYPES = new Set([
  'click',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
]);
// What the other types need besides a name.
const NEEDED: Record<string, string[]> = {
  miniprogram: ['appid', 'pagepath'],
  media_id: ['media_id'],
  view_limited: ['media_id'],
  article_id: ['article_id'],
  article_view_limited: ['article_id'],
};
const FIELDS = ['type', 'name', 'key', 'url', 'media_id', 'article_id', 'appid', 'pagepath'];

const MAX_TOP = 3;
const MAX_SUB = 5;
const MAX_KEY_BYTES = 128;
const MAX_URL_BYTES = 1024;

// WeChat's global code table numbers top-level and sub-level faults separately.
const TOP = { nameBytes: 16, name: 40018, type: 40017, key: 40019, url: 40020 };
const SUB = { nameBytes: 60, name: 40025, type: 40024, key: 40026, url: 40027 };
type Level = typeof TOP;

export type MenuCheck = { ok: true; buttons: EmulatorMenuButton[] } | ({ ok: false } & Refusal);

/**
 * The checks of `menu/create` (wechat-api.md section 6), with the errcodes of WeChat's global
 * table: 1-3 buttons (40016), 1-5 sub buttons (40023), names of 16/60 bytes (40018/40025), types
 * (40017/40024), keys of 1-128 bytes (40019/40026), urls of 1-1024 bytes (40020/40027), a sub
 * button with sub buttons (40022). Choices where WeChat is not documented: a button with an empty
 * `sub_button` list and a type is a leaf (menu/get itself answers leaves that way, so a menu read
 * back can be created again); `appid`/`pagepath` of miniprogram, `media_id` and `article_id`
 * missing answer 47003. Only the fields WeChat knows are stored.
 */
export function checkMenu(body: JsonObject): MenuCheck {
  const buttons = body.button;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > MAX_TOP) {
    return { ok: false, errcode: 40016 };
  }
  const stored: EmulatorMenuButton[] = [];
  for (const button of buttons) {
    const checked = isParent(button) ? checkParent(button) : checkLeaf(button, TOP);
    if (!checked.ok) return checked;
    stored.push(checked.button);
  }
  return { ok: true, buttons: stored };
}

type ButtonCheck = { ok: true; button: EmulatorMenuButton } | ({ ok: false } & Refusal);

function isParent(button: unknown): button is JsonObject {
  return (
    isObject(button) &&
    button.sub_button !== undefined &&
    !(Array.isArray(button.sub_button) && button.sub_button.length === 0 && button.type)
  );
}

function checkParent(button: JsonObject): ButtonCheck {
  if (!sized(button.name, TOP.nameBytes)) return { ok: false, errcode: TOP.name };
  const subs = button.sub_button;
  if (!Array.isArray(subs) || subs.length < 1 || subs.length > MAX_SUB) {
    return { ok: false, errcode: 40023 };
  }
  const stored: EmulatorMenuButton[] = [];
  for (const sub of subs) {
    if (isParent(sub)) return { ok: false, errcode: 40022 };
    const checked = checkLeaf(sub, SUB);
    if (!checked.ok) return checked;
    stored.push(checked.button);
  }
  return { ok: true, button: { name: button.name as string, sub_button: stored } };
}

function checkLeaf(button: unknown, level: Level): ButtonCheck {
  if (!isObject(button)) return { ok: false, errcode: level.type };
  if (!sized(button.name, level.nameBytes)) return { ok: false, errcode: level.name };
  const type = button.type;
  if (typeof type !== 'string' || !LEAF_TYPES.has(type)) return { ok: false, errcode: level.type };
  if (KEYED_TYPES.has(type) && !sized(button.key, MAX_KEY_BYTES)) {
    return { ok: false, errcode: level.key };
  }
  if ((type === 'view' || type === 'miniprogram') && !sized(button.url, MAX_URL_BYTES)) {
    return { ok: false, errcode: level.url };
  }
  const absent = (NEEDED[type] ?? []).find((field) => !sized(button[field], Infinity));
  if (absent) return { ok: false, errcode: 47003, errmsg: `argument invalid! ${absent} is empty` };
  const kept = FIELDS.filter((field) => typeof button[field] === 'string');
  const stored = Object.fromEntries(kept.map((field) => [field, button[field]]));
  return { ok: true, button: stored as unknown as EmulatorMenuButton };
}

function sized(value: unknown, maxBytes: number): value is string {
  return typeof value === 'string' && value !== '' && Buffer.byteLength(value, 'utf8') <= maxBytes;
}
