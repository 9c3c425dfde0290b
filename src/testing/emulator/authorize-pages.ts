import { escapeHtml } from '../../common/escape-html.js';
import { type EmulatorUser } from './emulator-users.js';

/** The authorize parameters a page carries on to the next step. */
export type AuthorizeParams = Record<
  'appid' | 'redirect_uri' | 'response_type' | 'scope' | 'state',
  string
>;

function hidden(params: AuthorizeParams): string {
  return Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('');
}

// WeChat's pages check the #wechat_redirect fragment in the page: servers never see fragments.
const FRAGMENT_CHECK = `<script>if (location.hash !== '#wechat_redirect') {
document.body.innerHTML = '<h1 class="weui-msg__title">请在微信客户端打开链接</h1>' +
'<p class="errcode">missing #wechat_redirect at the end of the authorize URL</p>'; }</script>`;

function shell(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;text-align:center}
button{font-size:1rem;padding:.6rem 2rem;margin:.4rem}</style></head>
<body>${body}${FRAGMENT_CHECK}</body></html>`;
}

/** The consent page of snsapi_userinfo, with Allow and Deny. */
export function consentPage(params: AuthorizeParams, user: EmulatorUser): string {
  return shell(
    '微信授权',
    `<h1>网页授权</h1>
<p>This page (appid <code>${escapeHtml(params.appid)}</code>) asks for your public profile:
nickname and avatar.</p>
<p>Signed in to the emulated WeChat as <strong id="signed-in">${escapeHtml(user.nickname)}</strong>.</p>
<form method="post" action="/connect/oauth2/authorize/decision">${hidden(params)}
<button name="decision" value="allow" id="allow">允许 Allow</button>
<button name="decision" value="deny" id="deny">拒绝 Deny</button></form>`,
  );
}

/** Who is using the emulated WeChat client, when nobody is signed in yet. */
export function userPickerPage(params: AuthorizeParams, users: EmulatorUser[]): string {
  const choices = users.length
    ? users
        .map(
          (u) =>
            `<button name="openid" value="${escapeHtml(u.openid)}">${escapeHtml(u.nickname)} (${escapeHtml(u.openid)})</button>`,
        )
        .join('<br>')
    : '<p>No users yet: call <code>emulator.addUser({ openid })</code>.</p>';
  return shell(
    '选择微信用户',
    `<h1>Emulated WeChat: who are you?</h1>
<form method="post" action="/connect/oauth2/authorize/signin">${hidden(params)}${choices}</form>`,
  );
}

/** WeChat's error page for a refused authorize request (no errcode where WeChat gives none). */
export function authorizeErrorPage(errcode: number | undefined, message: string): string {
  const code = errcode === undefined ? '' : String(errcode);
  return shell(
    '授权失败',
    `<h1>授权失败</h1><p class="errcode" data-errcode="${code}">${code} ${escapeHtml(message)}</p>`,
  );
}
