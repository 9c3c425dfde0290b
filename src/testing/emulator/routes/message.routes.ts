import { checkCustomMessage } from '../custom-message-rules.js';
import { type CustomerServiceWindow } from '../customer-service-window.js';
import { rawJsonReply, type EmulatorRouter } from '../emulator-router.js';
import { type EmulatorUsers } from '../emulator-users.js';
import { type MessageTemplates } from '../message-templates.js';
import { type SentMessages } from '../sent-messages.js';
import { type SubscriptionGrants } from '../subscription-grants.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody, OK_BODY, type Refusal } from '../wechat-error-body.js';
import { isObject, jsonPost, type JsonObject } from './json-post.js';
import { protectedRoute } from './protected-route.js';

/** The state the message endpoints share with the emulator's controls. */
export interface MessageState {
  users: EmulatorUsers;
  templates: MessageTemplates;
  subscribeTemplates: MessageTemplates;
  grants: SubscriptionGrants;
  window: CustomerServiceWindow;
  sent: SentMessages;
}

/**
 * Sending messages (wechat-api.md section 6): template messages, customer-service messages and
 * subscription notifications. Checks run in this order, which WeChat does not document: the
 * template (40037), the recipient (40003), the payload (47003 and the like), then the recipient's
 * state (43004 not following, 45015/45047 the 48-hour window, 43101 no subscription left).
 * A subscription notification does not need the user to follow; it needs a grant.
 */
export function registerMessageRoutes(
  router: EmulatorRouter,
  authority: TokenAuthority,
  state: MessageState,
): void {
  const { users, templates, subscribeTemplates, grants, window, sent } = state;

  router.route(
    '/cgi-bin/message/template/send',
    protectedRoute(
      authority,
      jsonPost((body) => {
        if (!templates.has(body.template_id)) return errorBody(40037);
        const user = users.get(recipient(body));
        if (!user) return errorBody(40003);
        const refused = payloadRefusal(templates, body);
        if (refused) return errorBody(refused.errcode, refused.errmsg);
        if (!user.subscribed) return errorBody(43004);
        const msgid = sent.sendTemplate(user.openid, body);
        // Written by hand: msgid is a 64-bit number that JSON.stringify cannot write exactly.
        return rawJsonReply(`{"errcode":0,"errmsg":"ok","msgid":${msgid}}`);
      }),
    ),
  );

  router.route(
    '/cgi-bin/message/custom/send',
    protectedRoute(
      authority,
      jsonPost((body) => {
        const user = users.get(recipient(body));
        if (!user) return errorBody(40003);
        const refused = checkCustomMessage(body);
        if (refused) return errorBody(refused.errcode, refused.errmsg);
        // Unfollowing closes the window: "response out of time limit or subscription is canceled".
        const errcode = user.subscribed ? window.take(user.openid) : 45015;
        if (errcode) return errorBody(errcode);
        sent.record('custom', user.openid, body);
        return OK_BODY;
      }),
    ),
  );

  router.route(
    '/cgi-bin/message/subscribe/bizsend',
    protectedRoute(
      authority,
      jsonPost((body) => {
        if (!subscribeTemplates.has(body.template_id)) return errorBody(40037);
        const user = users.get(recipient(body));
        if (!user) return errorBody(40003);
        const refused = payloadRefusal(subscribeTemplates, body);
        if (refused) return errorBody(refused.errcode, refused.errmsg);
        if (!grants.take(user.openid, body.template_id as string)) return errorBody(43101);
        sent.record('subscribe', user.openid, body);
        return OK_BODY;
      }),
    ),
  );
}

function recipient(body: JsonObject): string {
  return typeof body.touser === 'string' ? body.touser : '';
}

/** The data of the template, and the optional link fields: `url`, `page`, `miniprogram`. */
function payloadRefusal(templates: MessageTemplates, body: JsonObject): Refusal | undefined {
  const problem = templates.problemWith(body.template_id as string, body.data);
  if (problem) return { errcode: 47003, errmsg: problem };
  for (const field of ['url', 'page'] as const) {
    if (body[field] !== undefined && typeof body[field] !== 'string') {
      return { errcode: 47003, errmsg: `argument invalid! ${field} is not a string` };
    }
  }
  const mini = body.miniprogram;
  if (mini === undefined) return undefined;
  const fine = isObject(mini) && typeof mini.appid === 'string' && mini.appid !== '';
  return fine
    ? undefined
    : { errcode: 47003, errmsg: 'argument invalid! miniprogram.appid is empty' };
}
