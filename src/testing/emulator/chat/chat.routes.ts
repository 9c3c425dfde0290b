import { readBody } from '../../../push/push-body.js';
import { PushRejection } from '../../../push/push-envelope.js';
import { type WeChatPushBase } from '../../../push/push-message.types.js';
import { type EmulatorClock } from '../emulator-clock.js';
import { type EmulatorMenuButton } from '../emulator-menu.js';
import { type EmulatorRequest, type EmulatorRouter, type RawReply } from '../emulator-router.js';
import { type EmulatorUser, type EmulatorUsers } from '../emulator-users.js';
import { type EmulatorPushComposer } from '../push/push-compose.js';
import { PushUnavailableError } from '../push/emulator-push.js';
import { type EmulatorPushOutcome } from '../push/push-outcome.js';
import { type EmulatorQrCode } from '../qr-codes.js';
import { isObject } from '../routes/json-post.js';
import { ChatRefusal, prepareChatAction, sceneOf } from './chat-actions.js';
import { ChatConversations } from './chat-conversations.js';
import { outcomeLines } from './chat-outcome-lines.js';
import { chatPageReply } from './chat-page.js';

/** Where the chat lives: a prefix WeChat never uses, so no API path can clash with it. */
export const CHAT_PATH = '/emulator/chat';

/** What the chat routes need of the emulator. */
export interface ChatRouteState {
  appId: string;
  originalId: string;
  users: EmulatorUsers;
  clock: EmulatorClock;
  menu(): EmulatorMenuButton[] | undefined;
  qrCodes(): EmulatorQrCode[];
  compose: EmulatorPushComposer;
  push(message: WeChatPushBase): Promise<EmulatorPushOutcome>;
}

// A chat action is a few hundred bytes; a text of WeChat's longest fits many times over.
const MAX_SEND_BYTES = 64 * 1024;
// The user picker lists this many users (addFollowers may add thousands).
const MAX_LISTED_USERS = 200;

/**
 * The chat page of the emulator's users (`GET /emulator/chat`), its state as JSON
 * (`GET /emulator/chat/state?openid=`) and what the user does (`POST /emulator/chat/send`, a JSON
 * `{ openid, action, content | key | url | ticket }`): each action is composed with `compose`,
 * pushed to the app with `push`, and kept with what the user saw in the user's conversation
 * (the last 200 lines). Errors are JSON `{ error }`: 400 for bad input, 409 when the account's
 * state refuses the action (or no push URL is configured), 405/415/413 for the wrong method,
 * content type or size.
 */
export function registerChatRoutes(router: EmulatorRouter, state: ChatRouteState): void {
  const conversations = new ChatConversations();

  router.route(CHAT_PATH, (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed('GET');
    return chatPageReply();
  });

  router.route(`${CHAT_PATH}/state`, (req: EmulatorRequest) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed('GET');
    const openid = req.query.get('openid') ?? '';
    const user = openid ? state.users.get(openid) : undefined;
    if (openid && !user) {
      return jsonError(400, `no user ${openid}: pick one of the emulator's users (addUser)`);
    }
    const now = state.clock.now();
    const listed = state.users.all().slice(0, MAX_LISTED_USERS);
    if (user && !listed.includes(user)) listed.push(user);
    return jsonReply(200, {
      account: { appId: state.appId, originalId: state.originalId },
      users: listed.map(userView),
      user: user && userView(user),
      menu: state.menu() ?? [],
      qrCodes: state.qrCodes().map((code) => ({
        ticket: code.ticket,
        scene: sceneOf(code),
        permanent: code.expiresAt === undefined,
        expiresAt: code.expiresAt,
        expired: code.expiresAt !== undefined && now >= code.expiresAt,
      })),
      conversation: user ? conversations.of(user.openid) : [],
    });
  });

  router.routeStream(`${CHAT_PATH}/send`, async (req) => {
    if (req.method !== 'POST') return methodNotAllowed('POST');
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      return jsonError(415, 'send a JSON body with Content-Type: application/json');
    }
    let raw: Buffer;
    try {
      raw = await readBody(req.stream, MAX_SEND_BYTES);
    } catch (error) {
      if (!(error instanceof PushRejection)) throw error;
      const problem =
        error.status === 413 ? `the body is over ${MAX_SEND_BYTES} bytes` : error.message;
      return jsonError(error.status, problem);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return jsonError(400, 'the body is not JSON');
    }
    if (!isObject(body)) {
      return jsonError(400, 'the body is a JSON object: { openid, action, ... }');
    }
    let prepared;
    try {
      prepared = prepareChatAction(body, {
        user: (openid) => state.users.get(openid),
        menu: () => state.menu(),
        qrCodes: () => state.qrCodes(),
        now: () => state.clock.now(),
        compose: state.compose,
      });
    } catch (error) {
      if (error instanceof ChatRefusal) return jsonError(error.status, error.message);
      throw error;
    }
    // The user's side shows at once, as on a phone; the reply follows when the app answers.
    const sent = conversations.add(prepared.openid, prepared.line);
    let outcome: EmulatorPushOutcome;
    try {
      outcome = await state.push(prepared.message);
    } catch (error) {
      conversations.discard(prepared.openid, sent.id);
      return pushFailure(error as Error);
    }
    for (const line of outcomeLines(outcome, state.clock.now())) {
      conversations.add(prepared.openid, line);
    }
    return jsonReply(200, { outcome });
  });
}

function userView(user: EmulatorUser) {
  return {
    openid: user.openid,
    nickname: user.nickname,
    subscribed: user.subscribed,
    avatar: user.headimgurl,
  };
}

// `push` throws before sending anything when no push URL is set or the emulator is closed.
function pushFailure(error: Error): RawReply {
  if (error instanceof PushUnavailableError && error.reason === 'not-configured') {
    return jsonError(
      409,
      'the emulator has no push URL, so nothing reaches the app: call ' +
        "emulator.configurePush({ url, token, ... }) with the app's push endpoint first",
    );
  }
  if (error instanceof PushUnavailableError && error.reason === 'closed') {
    return jsonError(503, 'the emulator is closed');
  }
  return jsonError(500, `the push failed: ${error.message}`);
}

/** The body as text, or undefined when it is larger than the limit (it is still read to the end). */
function methodNotAllowed(allowed: string): RawReply {
  const reply = jsonError(405, `use ${allowed}`);
  reply.raw.headers!.Allow = allowed === 'GET' ? 'GET, HEAD' : allowed;
  return reply;
}

function jsonError(status: number, error: string): RawReply {
  return jsonReply(status, { error });
}

function jsonReply(status: number, body: object): RawReply {
  return {
    raw: {
      status,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
      body: JSON.stringify(body),
    },
  };
}
