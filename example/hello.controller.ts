import { Controller, Get, Header } from '@nestjs/common';
import { WeChatAuth, type WeChatAuthUser, WeChatUser } from '../src/index.js';
import { escapeHtml, page } from './html.js';

/** A page only a WeChat user who shared their profile may see. */
@Controller('hello')
export class HelloController {
  @Get()
  @WeChatAuth({ scope: 'snsapi_userinfo' })
  @Header('Content-Type', 'text/html; charset=utf-8')
  hello(@WeChatUser() user: WeChatAuthUser): string {
    const nickname = user.userInfo?.nickname ?? user.openid;
    const avatar = user.userInfo?.headimgurl
      ? `<img id="avatar" src="${escapeHtml(user.userInfo.headimgurl)}" alt="avatar" width="96" height="96">`
      : '';
    return page(
      `Hello ${nickname}`,
      `${avatar}<h1 id="greeting">你好, ${escapeHtml(nickname)}!</h1>
<p>openid <code>${escapeHtml(user.openid)}</code>, scope <code>${escapeHtml(user.scope)}</code>${
        user.unionid ? `, unionid <code>${escapeHtml(user.unionid)}</code>` : ''
      }</p>
<p>The session cookie is signed and holds no WeChat token. <a href="/">Back</a></p>`,
    );
  }
}
