import { WeChatApiClient } from '../api/wechat-api.client.js';
import { WeChatArgumentError, WeChatTransportError } from '../api/wechat-api.error.js';
import { randomAlphanumeric } from '../common/random-alphanumeric.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { type SharedCredential } from '../token/shared-credential.js';
import { SharedCredentialFactory } from '../token/shared-credential.factory.js';
import { signJsSdk, withoutFragment } from './js-sdk-signature.js';

/** What `wx.config` needs besides `jsApiList`. */
export interface JsSdkConfig {
  appId: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
}

const TICKET_PATH = '/cgi-bin/ticket/getticket';

/** The JS-SDK `jsapi_ticket` (cached and shared like the token) and page signatures. */
export class JsSdkService {
  private readonly ticket: SharedCredential;

  constructor(
    private readonly options: ResolvedWeChatOptions,
    api: WeChatApiClient,
    credentials: SharedCredentialFactory,
  ) {
    this.ticket = credentials.create('jsapi_ticket', TICKET_PATH, async () => {
      const reply = await api.get<{ ticket?: unknown; expires_in?: unknown }>(TICKET_PATH, {
        type: 'jsapi',
      });
      if (typeof reply.ticket !== 'string' || typeof reply.expires_in !== 'number') {
        throw new WeChatTransportError(TICKET_PATH, 'the answer has no ticket and expires_in');
      }
      return { value: reply.ticket, expiresInSeconds: reply.expires_in };
    });
  }

  /** The current `jsapi_ticket`. */
  getTicket(): Promise<string> {
    return this.ticket.get();
  }

  /** Signs the page at `url` (absolute http(s), the `#fragment` is dropped) for `wx.config`. */
  async sign(url: string): Promise<JsSdkConfig> {
    const pageUrl = checkPageUrl(url);
    const nonceStr = randomAlphanumeric(16);
    const timestamp = Math.floor(this.options.clock.now() / 1000);
    const ticket = await this.ticket.get();
    return {
      appId: this.options.appId,
      timestamp,
      nonceStr,
      signature: signJsSdk({ ticket, nonceStr, timestamp, url: pageUrl }),
    };
  }
}

function checkPageUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new WeChatArgumentError(
      'url',
      `must be the page's absolute http(s) URL, got ${JSON.stringify(url)}`,
    );
  }
  // Signed as the page knows itself (location.href.split('#')[0]), not re-encoded by URL.
  return withoutFragment(url);
}
