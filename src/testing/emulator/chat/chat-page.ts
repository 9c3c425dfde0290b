import { createHash } from 'node:crypto';
import { type RawReply } from '../emulator-router.js';
import { CHAT_PAGE_SCRIPT } from './chat-page-script.js';

const STYLE = `
*{box-sizing:border-box}
[hidden]{display:none!important}
html,body{margin:0;height:100%}
body{font:15px/1.45 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;
background:#d9d9d9;display:flex;justify-content:center;align-items:center}
.phone{width:100%;max-width:390px;height:100%;max-height:844px;background:#ededed;display:flex;
flex-direction:column;overflow:hidden;border-radius:18px;box-shadow:0 8px 30px rgba(0,0,0,.25)}
.top{background:#ededed;border-bottom:1px solid #d6d6d6;padding:.7rem 1rem;text-align:center}
.title{font-weight:600}
#typing{display:block;color:#888;font-size:.75rem}
.who{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem;padding:.5rem .8rem;
background:#f7f7f7;border-bottom:1px solid #e0e0e0;font-size:.85rem}
.who select{flex:1 1 0;min-width:0;font:inherit}
#avatar{width:28px;height:28px;border-radius:4px}
#follow-state{color:#576b95}
button,.menu-button{font:inherit;border:1px solid #ccc;border-radius:6px;background:#fff;
color:#111;padding:.3rem .7rem;cursor:pointer}
button:disabled{color:#aaa;cursor:default}
#follow{background:#07c160;border-color:#07c160;color:#fff}
.hint{color:#888;font-size:.8rem;text-align:center;margin:.5rem 1rem}
.no-user .chat{display:none!important}
body:not(.no-user) #pick-hint{display:none}
#qr-panel{background:#f7f7f7;border-bottom:1px solid #e0e0e0;font-size:.8rem;padding:.3rem .8rem}
#qr-panel ul{list-style:none;margin:.3rem 0;padding:0}
.qr{display:flex;align-items:center;gap:.5rem;padding:.15rem 0}
.qr-scene{font-family:ui-monospace,monospace;overflow-wrap:anywhere}
.qr-when{color:#888;flex:1}
#conversation{flex:1;overflow-y:auto;padding:.8rem}
.entry{display:flex;margin:.55rem 0}
.from-user{justify-content:flex-end}
.bubble{max-width:78%;padding:.5rem .7rem;border-radius:6px;background:#fff;white-space:pre-wrap;
overflow-wrap:anywhere}
.from-user .bubble{background:#95ec69}
.from-app:not(.kind-text) .bubble{font-family:ui-monospace,monospace;font-size:.8rem;color:#444}
.pending .bubble{opacity:.6}
.kind-action,.from-system{flex-direction:column;align-items:center;text-align:center}
.kind-action .line,.from-system .line{background:#dadada;color:#555;border-radius:4px;
padding:.1rem .5rem;font-size:.78rem}
.kind-notice .line{background:#fbe3e3;color:#a33}
.detail{color:#999;font-size:.7rem;margin-top:.2rem;overflow-wrap:anywhere}
#error{background:#fbe3e3;color:#a33;margin:0;padding:.4rem .8rem;font-size:.8rem}
.composer{display:flex;gap:.4rem;padding:.5rem .6rem;background:#f7f7f7;border-top:1px solid #ddd}
#message{flex:1;resize:none;font:inherit;border:0;border-radius:6px;padding:.4rem .5rem}
#send{background:#07c160;border-color:#07c160;color:#fff}
#send:disabled{background:#b2e5c8;border-color:#b2e5c8}
#menu{display:flex;border-top:1px solid #d6d6d6;background:#f7f7f7}
.menu-item{flex:1;position:relative;display:flex}
.menu-item>.menu-button{flex:1;border:0;border-left:1px solid #e2e2e2;border-radius:0;
background:none;padding:.7rem .3rem;text-align:center;text-decoration:none;font-size:.9rem}
.menu-item:first-child>.menu-button{border-left:0}
.menu-parent::before{content:"≡ ";color:#999}
.submenu{position:absolute;bottom:100%;left:4px;right:4px;background:#fff;border:1px solid #ddd;
border-radius:6px;display:flex;flex-direction:column;margin-bottom:6px}
.submenu .menu-button{border:0;border-bottom:1px solid #eee;border-radius:0;text-align:center;
text-decoration:none;padding:.6rem .3rem}
`;

const HTML_BODY = `<main class="phone" aria-label="Emulated WeChat chat">
<header class="top"><span class="title">公众号 <span id="account"></span></span>
<span id="typing" hidden>对方正在输入… (the app is answering)</span></header>
<section class="who">
<img id="avatar" alt="" hidden>
<label for="user-picker">You are</label><select id="user-picker"></select>
<span class="chat" id="follow-state"></span>
<button type="button" class="chat" id="follow" hidden>Follow</button>
<button type="button" class="chat" id="unfollow" hidden>Unfollow</button>
</section>
<p id="pick-hint" class="hint">Pick which of the emulator's users you are.</p>
<p id="no-users" class="hint" hidden>The emulator has no users: call emulator.addUser({ openid }).</p>
<details id="qr-panel" class="chat" open><summary>QR codes of the account (<span id="qr-count">0</span>)</summary>
<ul id="qr-codes"></ul></details>
<div id="conversation" class="chat" role="log" aria-live="polite"></div>
<p id="error" role="alert" hidden></p>
<p id="not-following" class="hint chat" hidden>You do not follow this account: follow it, or scan one of its QR codes, to chat.</p>
<div class="composer chat"><textarea id="message" rows="2" placeholder="Message" aria-label="Message"></textarea>
<button type="button" id="send">Send</button></div>
<nav id="menu" class="chat" aria-label="The account's menu" hidden></nav>
</main>`;

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WeChat emulator · chat</title>
<style>${STYLE}</style></head>
<body class="no-user">${HTML_BODY}<script>${CHAT_PAGE_SCRIPT}</script></body></html>`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The page's policy: its own inline script and style by hash, fetches and images from the
 * emulator itself, nothing else (no other script, no plugins, no forms, no framing).
 */
export const CHAT_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${hash(CHAT_PAGE_SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The emulator's chat page: a phone-like screen where a person picks which user they are, talks
 * to the account, taps its menu and scans its QR codes. The HTML is fixed; everything variable
 * comes from `/emulator/chat/state` and is put in the page as text by the script.
 */
export function chatPageReply(): RawReply {
  return {
    raw: {
      status: 200,
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': CHAT_PAGE_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      },
      body: PAGE,
    },
  };
}
