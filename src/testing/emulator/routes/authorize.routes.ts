import { type EmulatorAccount } from '../emulator-account.js';
import {
  htmlReply,
  redirectReply,
  type EmulatorReply,
  type EmulatorRequest,
  type EmulatorRouter,
  type RawReply,
} from '../emulator-router.js';
import { type EmulatorUser, type EmulatorUsers } from '../emulator-users.js';
import { type WebAuthorization, type WebScope } from '../web-authorization.js';
import {
  authorizeErrorPage,
  type AuthorizeParams,
  consentPage,
  userPickerPage,
} from '../authorize-pages.js';

const ORDER = ['appid', 'redirect_uri', 'response_type', 'scope', 'state'] as const;
const STATE = /^[A-Za-z0-9]{0,128}$/;

/**
 * The page errors of `/connect/oauth2/authorize` (wechat-api.md section 4). The numbers the
 * documentation gives are used as given; where it gives none (parameter order, response_type,
 * a malformed state) the emulator uses the nearest documented code and says so in the message.
 */
const PAGE_ERRORS = {
  order: [10011, 'parameters out of order: appid, redirect_uri, response_type, scope, state'],
  domain: [10003, 'redirect_uri域名与后台配置不一致'],
  scope: [10005, '此公众号并没有这些scope的权限'],
  scopeEmpty: [10010, 'scope为空'],
  redirectEmpty: [10011, 'redirect_uri为空'],
  appid: [10012, 'appid参数错误'],
  state: [10013, 'state参数错误: a-zA-Z0-9, at most 128 bytes'],
  responseType: [10011, 'response_type must be code'],
} as const;

/** The authorize page, as the browser inside WeChat sees it. */
export function registerAuthorizeRoutes(
  router: EmulatorRouter,
  account: EmulatorAccount,
  users: EmulatorUsers,
  web: WebAuthorization,
  oauthDomains: () => string[],
): void {
  const refuse = (key: keyof typeof PAGE_ERRORS) => {
    const [errcode, message] = PAGE_ERRORS[key];
    return htmlReply(authorizeErrorPage(errcode, message));
  };

  type Checked = { ok: true; params: AuthorizeParams } | { ok: false; reply: EmulatorReply };

  function validate(source: Record<string, string>, keys: string[]): Checked {
    const checked = check(source, keys);
    return 'raw' in checked ? { ok: false, reply: checked } : { ok: true, params: checked };
  }

  function check(source: Record<string, string>, keys: string[]): AuthorizeParams | RawReply {
    const expected = ORDER.filter((k) => k in source);
    if (keys.filter((k) => (ORDER as readonly string[]).includes(k)).join() !== expected.join()) {
      return refuse('order');
    }
    const {
      appid,
      redirect_uri: redirectUri,
      response_type: responseType,
      scope,
      state = '',
    } = source;
    if (!appid || appid !== account.appId) return refuse('appid');
    if (!redirectUri) return refuse('redirectEmpty');
    let target: URL;
    try {
      target = new URL(redirectUri);
    } catch {
      return refuse('domain');
    }
    if (!oauthDomains().includes(target.hostname)) return refuse('domain');
    if (responseType !== 'code') return refuse('responseType');
    if (!scope) return refuse('scopeEmpty');
    if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') return refuse('scope');
    if (!STATE.test(state)) return refuse('state');
    return { appid, redirect_uri: redirectUri, response_type: responseType, scope, state };
  }

  function backTo(params: AuthorizeParams, code?: string): EmulatorReply {
    const target = new URL(params.redirect_uri);
    if (code) target.searchParams.set('code', code);
    target.searchParams.set('state', params.state);
    return redirectReply(target.href);
  }

  function proceed(params: AuthorizeParams, user: EmulatorUser | undefined): EmulatorReply {
    if (!user) return htmlReply(userPickerPage(params, users.all()));
    const scope = params.scope as WebScope;
    if (scope === 'snsapi_userinfo' && !user.consented) return htmlReply(consentPage(params, user));
    return backTo(params, web.issueCode(user, scope));
  }

  const formOf = (req: EmulatorRequest) => (req.body ?? {}) as Record<string, string>;

  router.route('/connect/oauth2/authorize', (req) => {
    const checked = validate(Object.fromEntries(req.query), [...req.query.keys()]);
    return checked.ok ? proceed(checked.params, users.current()) : checked.reply;
  });

  // The user picker's choice: sign in as that user, then carry on.
  router.route('/connect/oauth2/authorize/signin', (req) => {
    const form = formOf(req);
    const checked = validate(form, Object.keys(form));
    if (!checked.ok) return checked.reply;
    const user = users.get(form.openid);
    if (!user) return htmlReply(userPickerPage(checked.params, users.all()));
    users.signIn(user.openid);
    // Back to the authorize page itself (with its fragment), now as this user.
    const query = ORDER.map((k) => `${k}=${encodeURIComponent(checked.params[k])}`).join('&');
    return redirectReply(`/connect/oauth2/authorize?${query}#wechat_redirect`);
  });

  // The consent page's Allow or Deny.
  router.route('/connect/oauth2/authorize/decision', (req) => {
    const form = formOf(req);
    const checked = validate(form, Object.keys(form));
    if (!checked.ok) return checked.reply;
    const user = users.current();
    if (!user) return htmlReply(userPickerPage(checked.params, users.all()));
    // Declining sends the browser back with state and without code.
    if (form.decision !== 'allow') return backTo(checked.params);
    user.consented = true;
    return backTo(checked.params, web.issueCode(user, 'snsapi_userinfo'));
  });
}
