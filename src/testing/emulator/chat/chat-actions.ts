import { type WeChatPushBase } from '../../../push/push-message.types.js';
import { type EmulatorMenuButton } from '../emulator-menu.js';
import { type EmulatorUser } from '../emulator-users.js';
import { type EmulatorPushComposer } from '../push/push-compose.js';
import { type EmulatorQrCode } from '../qr-codes.js';
import { type JsonObject } from '../routes/json-post.js';
import { type ChatLine } from './chat-outcome-lines.js';

/** What the chat page's user can do. */
export const CHAT_ACTIONS = ['text', 'click', 'view', 'scan', 'follow', 'unfollow'] as const;
export type ChatActionName = (typeof CHAT_ACTIONS)[number];

/** A request the chat refuses: 400 for bad input, 409 when the account's state forbids it. */
export class ChatRefusal extends Error {
  constructor(
    readonly status: 400 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** What the checks read of the emulator. */
export interface ChatActionState {
  user(openid: string): EmulatorUser | undefined;
  menu(): EmulatorMenuButton[] | undefined;
  qrCodes(): EmulatorQrCode[];
  now(): number;
  compose: EmulatorPushComposer;
}

/** A checked action: the message to push, and the line the user's side of the chat shows. */
export interface PreparedChatAction {
  openid: string;
  action: ChatActionName;
  message: WeChatPushBase;
  line: ChatLine;
}

/**
 * Checks a `POST /emulator/chat/send` body and composes the push it stands for. Throws a
 * `ChatRefusal`: 400 for an unknown openid or action, a missing field, a menu key or URL the
 * menu does not have, a ticket of no QR code; 409 for a follow by a follower, an unfollow by a
 * non-follower, an expired QR code, and a message or menu tap by a non-follower (WeChat lets only
 * followers into the account's chat; scanning a QR code or following lets them in).
 */
export function prepareChatAction(body: JsonObject, state: ChatActionState): PreparedChatAction {
  const openid = requiredString(body, 'openid');
  const user = state.user(openid);
  if (!user) {
    throw new ChatRefusal(400, `no user ${openid}: pick one of the emulator's users (addUser)`);
  }
  const action = body.action;
  if (typeof action !== 'string' || !(CHAT_ACTIONS as readonly string[]).includes(action)) {
    throw new ChatRefusal(400, `action must be one of ${CHAT_ACTIONS.join(', ')}`);
  }
  const at = state.now();
  const said = (kind: string, text: string): ChatLine => ({ at, from: 'user', kind, text });
  const prepared = (message: WeChatPushBase, line: ChatLine): PreparedChatAction => ({
    openid,
    action: action as ChatActionName,
    message,
    line,
  });

  switch (action as ChatActionName) {
    case 'text': {
      const content = requiredString(body, 'content');
      if (content.trim() === '')
        throw new ChatRefusal(400, 'content is blank: WeChat sends no empty message');
      follower(user);
      return prepared(
        compose(() => state.compose.text(openid, content)),
        said('text', content),
      );
    }
    case 'click': {
      const key = requiredString(body, 'key');
      const button = menuLeaf(state, 'click', (b) => b.key === key, `key ${JSON.stringify(key)}`);
      follower(user);
      return prepared(
        compose(() => state.compose.menuClick(openid, key)),
        said('action', `You tapped "${button.name}" in the menu`),
      );
    }
    case 'view': {
      const url = requiredString(body, 'url');
      const button = menuLeaf(state, 'view', (b) => b.url === url, `url ${JSON.stringify(url)}`);
      follower(user);
      return prepared(
        compose(() => state.compose.menuView(openid, url)),
        said('action', `You opened "${button.name}" from the menu: ${url}`),
      );
    }
    case 'scan': {
      const ticket = requiredString(body, 'ticket');
      const code = state.qrCodes().find((candidate) => candidate.ticket === ticket);
      if (!code) {
        throw new ChatRefusal(
          400,
          'no QR code has this ticket: the app creates them with qrcode/create',
        );
      }
      const scene = sceneOf(code);
      if (code.expiresAt !== undefined && state.now() >= code.expiresAt) {
        throw new ChatRefusal(409, `the QR code "${scene}" has expired (二维码已过期)`);
      }
      const joined = user.subscribed ? '' : ' and followed the account';
      return prepared(
        compose(() => state.compose.scanQrCode(openid, ticket)),
        said('action', `You scanned the QR code "${scene}"${joined}`),
      );
    }
    case 'follow':
      if (user.subscribed) throw new ChatRefusal(409, `${openid} already follows the account`);
      return prepared(
        compose(() => state.compose.subscribe(openid)),
        said('action', 'You followed the account'),
      );
    case 'unfollow':
      if (!user.subscribed) throw new ChatRefusal(409, `${openid} does not follow the account`);
      return prepared(
        compose(() => state.compose.unsubscribe(openid)),
        said('action', 'You unfollowed the account'),
      );
  }
}

/** A QR code's scene as the chat shows it: the scene_str, or the scene_id's digits. */
export function sceneOf(code: EmulatorQrCode): string {
  return 'scene_id' in code.scene ? String(code.scene.scene_id) : code.scene.scene_str;
}

function requiredString(body: JsonObject, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') {
    throw new ChatRefusal(400, `${name} is required (a non-empty string)`);
  }
  return value;
}

function follower(user: EmulatorUser): void {
  if (!user.subscribed) {
    throw new ChatRefusal(
      409,
      `${user.openid} does not follow the account: follow it or scan one of its QR codes first`,
    );
  }
}

function menuLeaf(
  state: ChatActionState,
  type: 'click' | 'view',
  matches: (button: EmulatorMenuButton) => boolean,
  what: string,
): EmulatorMenuButton {
  const menu = state.menu();
  if (!menu)
    throw new ChatRefusal(400, 'the account has no menu: the app creates it with menu/create');
  const button = menu
    .flatMap((top) => [top, ...(top.sub_button ?? [])])
    .find((candidate) => candidate.type === type && matches(candidate));
  if (!button) throw new ChatRefusal(400, `the menu has no ${type} button with ${what}`);
  return button;
}

// The checks above mirror compose's; should the state change in between, its error is a 409.
function compose(build: () => WeChatPushBase): WeChatPushBase {
  try {
    return build();
  } catch (error) {
    throw new ChatRefusal(409, (error as Error).message);
  }
}
