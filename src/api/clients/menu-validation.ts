import { WeChatArgumentError } from '../wechat-api.error.js';
import { type Menu, type MenuButtonType, type MenuLeafButton } from './menu.types.js';

const TYPES = new Set<MenuButtonType>([
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
  'article_id',
  'article_view_limited',
]);
// Types that send an event with the button's key.
const KEYED = new Set<MenuButtonType>([
  'click',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
]);

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Checks a menu against WeChat's rules before sending it, with a message naming the button. */
export function validateMenu(menu: Menu): void {
  const buttons = menu?.button;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) {
    throw new WeChatArgumentError('menu.button', 'must hold 1 to 3 buttons');
  }
  buttons.forEach((button, i) => {
    const at = `menu.button[${i}]`;
    checkName(at, button?.name, 16);
    if ('sub_button' in button) {
      const subs = button.sub_button;
      if (!Array.isArray(subs) || subs.length < 1 || subs.length > 5) {
        throw new WeChatArgumentError(`${at}.sub_button`, 'must hold 1 to 5 buttons');
      }
      subs.forEach((sub, j) => {
        checkName(`${at}.sub_button[${j}]`, sub?.name, 60);
        checkLeaf(`${at}.sub_button[${j}]`, sub);
      });
    } else {
      checkLeaf(at, button);
    }
  });
}

function checkName(at: string, name: unknown, maxBytes: number): void {
  if (typeof name !== 'string' || name.length === 0 || bytes(name) > maxBytes) {
    throw new WeChatArgumentError(`${at}.name`, `must be 1 to ${maxBytes} bytes (UTF-8)`);
  }
}

function checkLeaf(at: string, button: MenuLeafButton): void {
  if (!TYPES.has(button.type)) {
    throw new WeChatArgumentError(`${at}.type`, `must be one of ${[...TYPES].join(', ')}`);
  }
  if (KEYED.has(button.type) && (!button.key || bytes(button.key) > 128)) {
    throw new WeChatArgumentError(`${at}.key`, 'must be 1 to 128 bytes');
  }
  if (
    (button.type === 'view' || button.type === 'miniprogram') &&
    (!button.url || bytes(button.url) > 1024)
  ) {
    throw new WeChatArgumentError(`${at}.url`, 'must be 1 to 1024 bytes');
  }
  if (button.type === 'miniprogram' && (!button.appid || !button.pagepath)) {
    throw new WeChatArgumentError(at, 'of type miniprogram needs appid and pagepath');
  }
  if (button.type === 'media_id' && !button.media_id) {
    throw new WeChatArgumentError(`${at}.media_id`, 'is required for type media_id');
  }
  if (
    (button.type === 'article_id' || button.type === 'article_view_limited') &&
    !button.article_id
  ) {
    throw new WeChatArgumentError(`${at}.article_id`, `is required for type ${button.type}`);
  }
}
