import { BadRequestException, Controller, Get, Header, Inject, Query, Req } from '@nestjs/common';
import { type Request } from 'express';
import { JsSdkService, TokenService, WeChatArgumentError } from '../src/index.js';
import { escapeHtml, page } from './html.js';
import { CHAT_PAGE_URL, WECHAT_CONNECTION_LABEL } from './example.constants.js';

/** The token's health and a JS-SDK config: what an operator checks first. */
@Controller()
export class StatusController {
  constructor(
    private readonly tokens: TokenService,
    private readonly jsSdk: JsSdkService,
    @Inject(WECHAT_CONNECTION_LABEL) private readonly connection: string,
    @Inject(CHAT_PAGE_URL) private readonly chatUrl: string | null,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async home(@Req() req: Request): Promise<string> {
    await this.tokens.getAccessToken().catch(() => undefined);
    const status = this.tokens.status();
    const pageUrl = `${req.protocol}://${req.get('host')}${req.originalUrl}`;
    const config = await this.jsSdk.sign(pageUrl).catch((error: Error) => error);
    const rows: [string, unknown][] = [
      ['WeChat', this.connection],
      ['App ID', status.appId],
      ['Token source', status.source],
      ['Fetched at', status.fetchedAt?.toISOString() ?? 'not yet'],
      ['Refreshes at', status.refreshAt?.toISOString() ?? '-'],
      ['Expires at', status.expiresAt?.toISOString() ?? '-'],
      ['Fetches by this process', status.fetches],
      ['Last error', status.lastError ?? 'none'],
    ];
    const table = rows
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('');
    const jsSdk =
      config instanceof Error
        ? `<p>JS-SDK signing failed: ${escapeHtml(config.message)}</p>`
        : `<pre id="jssdk-config">${escapeHtml(
            JSON.stringify({ ...config, jsApiList: ['updateAppMessageShareData'] }, null, 2),
          )}</pre>`;
    return page(
      'nestjs-wechat example',
      `<h1>nestjs-wechat example</h1>
<h2>Access token</h2><table id="token-status">${table}</table>
<p>The token itself is never shown: only its state.</p>
<h2>JS-SDK config for this page</h2>${jsSdk}
<p>JSON for another page: <code>GET /jssdk-config?url=https://your.page/path</code></p>
<h2>Web authorization</h2>
<p><a href="/hello">Sign in with WeChat</a> (snsapi_userinfo: asks for your profile).</p>
<h2>Chat with the app</h2>${this.chatSection()}`,
    );
  }

  /** Where to talk to the app's chat handlers (chat.handlers.ts). */
  private chatSection(): string {
    if (this.chatUrl === null) {
      return `<p id="chat">On the real WeChat the chat happens in WeChat itself: follow the account
and send it a message. WeChat pushes it to this app's push URL, which you set in the console's
服务器配置 (server configuration) with the Token in <code>WECHAT_PUSH_TOKEN</code>.</p>`;
    }
    return `<p id="chat"><a id="chat-link" href="${escapeHtml(this.chatUrl)}">Open the emulator's chat
page</a>: be one of the demo users, follow the account, send it messages, tap its menu and scan
its QR code. The emulator pushes each to this app, and shows its replies as WeChat would.</p>`;
  }

  @Get('jssdk-config')
  async jsSdkConfig(@Query('url') url: string | undefined) {
    if (!url) throw new BadRequestException('query parameter url is required');
    try {
      return await this.jsSdk.sign(url);
    } catch (error) {
      if (error instanceof WeChatArgumentError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
