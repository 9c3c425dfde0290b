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
const STATE = /^[A-Za-z0-9]{1,128}$/;

/**
 * The page errors of `/connect/oauth2/authorize`, with the codes of the return-code table of
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 * ("10003 redirect_uri域名与后台配置不一致, 10005 此公众号并没有这些scope的权限, 10010 scope不能为空,
 * 10011 redirect_uri不能为空, 10012 appid不能为空, 10013 state不能为空"); `state` is documented as
 * required ("必须带此参数"), a-zA-Z0-9, at most 128 bytes.
 *
 * Where the emulator guesses, and why: the table has no code for a wrong (not empty) appid or a
 * malformed state, so those use the code of the same parameter (10012, 10013). For parameters out
 * of order or a response_type other than `code` WeChat documents nothing and users report a
 * blank page, so the emulator shows its error page without an errcode rather than invent one.
 */
const PAGE_ERRORS: Record<string, readonly [number | undefined, string]> = {
  order: [undefined, 'parameters out of order: appid, redirect_uri, response_type, scope, state'],
  domain: [10003, 'redirect_uri域名与后台配置不一致'],
  scope: [10005, '此公众号并没有这些scope的权限'],
  scopeEmpty: [10010, 'scope不能为空'],
  redirectEmpty: [10011, 'redirect_uri不能为空'],
  appidEmpty: [10012, 'appid不能为空'],
  appid: [10012, "appid参数错误 (emulator: this appid is not the account's)"],
  stateEmpty: [10013, 'state不能为空'],
  state: [10013, 'state参数错误 (emulator: a-zA-Z0-9, at most 128 bytes)'],
  responseType: [undefined, 'response_type must be code'],
};

/** The authorize page, as the browser inside WeChat sees it. */
export function registerAuthorizeRoutes(
  router: EmulatorRouter,
  account: EmulatorAccount,
  users: EmulatorUsers,
  web: WebAuthorization,
  oauthDomains: () => string[],
): void {
  const refuse = (key: string) => {
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
    const { appid, redirect_uri: redirectUri, response_type: responseType, scope, state } = source;
    if (!appid) return refuse('appidEmpty');
    if (appid !== account.appId) return refuse('appid');
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
    if (!state) return refuse('stateEmpty');
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
    // A snapshot-page user is not asked: WeChat's snapshot page "默认对用户屏蔽网页授权弹窗" (shows no
    // consent popup) and hands the page a virtual account (is_snapshotuser: 1, /sns/userinfo 48001).
    const ask = scope === 'snsapi_userinfo' && !user.consented && !user.snapshotUser;
    if (ask) return htmlReply(consentPage(params, user));
    return backTo(params, web.issueCode(user, scope));
  }

  const formOf = (req: EmulatorRequest) => (req.body ?? {}) as Record<string, string>;

  router.route('/connect/oauth2/authorize', (req) => {
    const checked = validate(Object.fromEntries(req.query), [...req.query.keys()]);
    return checked.ok ? proceed(checked.params, users.current()) : checked.reply;
  });

  // The user picker's choice: sign in as that user, then carry on.
  router.routeForm('/connect/oauth2/authorize/signin', (req) => {
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
  router.routeForm('/connect/oauth2/authorize/decision', (req) => {
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
