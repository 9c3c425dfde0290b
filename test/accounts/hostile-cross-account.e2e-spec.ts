import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import {
  OnWeChatMessage,
  type TextMessage,
  type WeChatAccount,
  WeChatAuth,
  type WeChatAuthUser,
  WeChatModule,
  type WeChatModuleOptions,
  WeChatUser,
} from '../../src/index.js';
import { OAUTH_MESSAGES } from '../../src/oauth/oauth.messages.js';
import { stateSuffixOf } from '../../src/oauth/pending-authorizations.js';
import { WeChatEmulator, WeChatEmulators } from '../../src/testing/index.js';
import { type Platform, PLATFORMS, startApp } from '../oauth/platforms.js';
import { type SignedPush, signedPush } from '../push/push-requests.js';

// Cross-account confusion: what one account issued (sessions, pending sign-ins, states, codes,
// push signatures) must never be honoured by another account of the same module.

const SHOP = { name: 'shop', appId: 'wx1111aaaa2222bbbb', appSecret: 'shop-secret-0123456789ab' };
const BRAND = { name: 'brand', appId: 'wx3333cccc4444dddd', appSecret: 'brand-secret-012345678' };
const SESSION_SECRET = 'hostile-cross-account-session-secret-0123456789';
const TOKENS = { shop: 'shopPushToken1', brand: 'brandPushToken2' };
// A careless operator gave both accounts the same message key.
const SHARED_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const EXCHANGE = '/sns/oauth2/access_token';

const handled: { handler: string; account: string; content: string }[] = [];

@Injectable()
class Handlers {
  @OnWeChatMessage('text', undefined, { account: 'shop' })
  shopOnly(message: TextMessage, account: WeChatAccount): string {
    handled.push({ handler: 'shopOnly', account: account.name, content: message.Content });
    return `shop-only:${account.name}`;
  }

  @OnWeChatMessage('text')
  general(message: TextMessage, account: WeChatAccount): string {
    handled.push({ handler: 'general', account: account.name, content: message.Content });
    return `general:${account.name}`;
  }
}

@Controller()
class Pages {
  @Get('shop/me')
  @WeChatAuth({ account: 'shop' })
  shop(@WeChatUser() user: WeChatAuthUser) {
    return { account: 'shop', openid: user.openid };
  }

  @Get('brand/me')
  @WeChatAuth({ account: 'brand' })
  brand(@WeChatUser() user: WeChatAuthUser) {
    return { account: 'brand', openid: user.openid };
  }
}

type Jar = Map<string, string>;

describe.each(PLATFORMS)('cross-account confusion on %s', (platform: Platform) => {
  let shopWeChat: WeChatEmulator;
  let brandWeChat: WeChatEmulator;
  let wechat: WeChatEmulators;
  let app: INestApplication;
  let appUrl: string;

  beforeAll(async () => {
    shopWeChat = await WeChatEmulator.start(SHOP);
    brandWeChat = await WeChatEmulator.start(BRAND);
    wechat = await WeChatEmulators.front([shopWeChat, brandWeChat]);
    const options: WeChatModuleOptions = {
      accounts: [
        { ...SHOP, push: { token: TOKENS.shop, encodingAESKey: SHARED_AES_KEY } },
        { ...BRAND, push: { token: TOKENS.brand, encodingAESKey: SHARED_AES_KEY } },
      ],
      apiBaseUrl: wechat.url,
      openBaseUrl: wechat.url,
      retry: { attempts: 2, baseDelayMs: 5 },
      httpTimeoutMs: 2000,
      token: { prefetch: false },
      oauth: { sessionSecret: SESSION_SECRET },
      push: {},
    };
    ({ app, url: appUrl } = await startApp(platform, {
      imports: [WeChatModule.forRoot(options)],
      controllers: [Pages],
      providers: [Handlers],
    }));
    for (const [i, emulator] of [shopWeChat, brandWeChat].entries()) {
      emulator.addUser({ openid: `o_alice_00000${i}`, nickname: 'Alice' });
      emulator.addUser({ openid: `o_mallory_000${i}`, nickname: 'Mallory' });
    }
  });

  afterEach(() => {
    handled.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await wechat?.close();
    await Promise.all([shopWeChat?.close(), brandWeChat?.close()]);
  });

  /** A page load (or any GET) with the cookies of `jar`; keeps the cookies the answer sets. */
  async function visit(url: string, jar: Jar, headers: Record<string, string> = {}) {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url.startsWith('http') ? url : `${appUrl}${url}`, {
      redirect: 'manual',
      headers: { Accept: 'text/html', ...(cookie && { Cookie: cookie }), ...headers },
    });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return { response, setCookies, text: await response.text() };
  }

  /** The page, then WeChat's authorize page: the callback URL (code and state) not yet visited. */
  async function toCallback(emulator: WeChatEmulator, openid: string, page: string, jar: Jar) {
    const started = await visit(page, jar);
    expect(started.response.status).toBe(302);
    emulator.signIn(openid);
    const authorize = await visit(started.response.headers.get('location')!, new Map());
    expect(authorize.response.status).toBe(302);
    return new URL(authorize.response.headers.get('location')!);
  }

  async function signIn(emulator: WeChatEmulator, openid: string, page: string): Promise<Jar> {
    const jar: Jar = new Map();
    const callback = await toCallback(emulator, openid, page, jar);
    const done = await visit(`${callback.pathname}${callback.search}`, jar);
    expect(done.response.status).toBe(302);
    return jar;
  }

  const withState = (callback: URL, state: string) => {
    const url = new URL(callback);
    url.searchParams.set('state', state);
    return `${url.pathname}${url.search}`;
  };

  it("refuses the shop's session on the brand's pages, under either cookie name", async () => {
    const jar = await signIn(shopWeChat, 'o_alice_000000', '/shop/me');
    const session = jar.get('wechat_session_shop')!;
    expect(session).toBeDefined();
    expect((await visit('/shop/me', jar)).response.status).toBe(200);

    for (const cookies of [
      new Map([['wechat_session_shop', session]]),
      new Map([['wechat_session_brand', session]]),
      new Map([
        ['wechat_session_brand', session],
        ['wechat_session_shop', session],
      ]),
    ]) {
      const page = await visit('/brand/me', cookies);
      expect(page.response.status).toBe(302);
      expect(new URL(page.response.headers.get('location')!).searchParams.get('appid')).toBe(
        BRAND.appId,
      );
      // An API call (no text/html): 401, not the shop's user.
      const api = await visit('/brand/me', new Map(cookies), { Accept: 'application/json' });
      expect(api.response.status).toBe(401);
      expect(api.text).not.toContain('o_alice');
    }
  });

  it('refuses a shop state re-addressed to the brand (suffix swapped), with either pending cookie', async () => {
    const jar: Jar = new Map();
    const callback = await toCallback(shopWeChat, 'o_mallory_0000', '/shop/me', jar);
    const state = callback.searchParams.get('state')!;
    expect(state.endsWith(stateSuffixOf(SHOP.appId)!)).toBe(true);
    const random = state.slice(0, 32);
    const hex = (text: string) => Buffer.from(text).toString('hex');
    // The brand by appId and by name, the shop by name, the brand's appId in upper-case hex.
    const swaps = [
      random + stateSuffixOf(BRAND.appId)!,
      random + hex('brand'),
      random + hex('shop'),
      random + hex(BRAND.appId).toUpperCase(),
    ];
    const exchangesBefore = shopWeChat.callCount(EXCHANGE) + brandWeChat.callCount(EXCHANGE);

    // The shop's pending cookie as it is, then copied under the brand's pending cookie name.
    const shopPending = jar.get('wechat_session_shop_oauth')!;
    expect(shopPending).toBeDefined();
    for (const swapped of swaps) {
      for (const cookies of [
        new Map(jar),
        new Map([['wechat_session_brand_oauth', shopPending]]),
      ]) {
        const answer = await visit(withState(callback, swapped), cookies);
        expect(answer.response.status).toBe(400);
        expect(answer.setCookies.filter((c) => /^wechat_session_(brand|shop)=/.test(c))).toEqual(
          [],
        );
      }
    }
    expect(shopWeChat.callCount(EXCHANGE) + brandWeChat.callCount(EXCHANGE)).toBe(exchangesBefore);

    // The genuine callback still signs in to the shop, and only the shop.
    const done = await visit(`${callback.pathname}${callback.search}`, jar);
    expect(done.response.status).toBe(302);
    expect((await visit('/shop/me', jar)).response.status).toBe(200);
    expect((await visit('/brand/me', jar)).response.status).toBe(302);
  });

  it("refuses a code the shop's WeChat issued, brought back with a state naming the brand", async () => {
    const shopJar: Jar = new Map();
    const shopCallback = await toCallback(shopWeChat, 'o_alice_000000', '/shop/me', shopJar);
    const shopCode = shopCallback.searchParams.get('code')!;

    // The same browser has also started the brand's sign-in: a live brand state and cookie.
    const brandJar: Jar = new Map(shopJar);
    const brandStart = await visit('/brand/me', brandJar);
    expect(brandStart.response.status).toBe(302);
    const brandState = new URL(brandStart.response.headers.get('location')!).searchParams.get(
      'state',
    )!;
    const url = new URL(shopCallback);
    url.searchParams.set('state', brandState);
    url.searchParams.set('code', shopCode);
    const brandExchanges = brandWeChat.callCount(EXCHANGE);
    const answer = await visit(`${url.pathname}${url.search}`, brandJar);
    // Past the state checks: the brand's WeChat was asked, and knew no such code.
    expect(brandWeChat.callCount(EXCHANGE)).toBe(brandExchanges + 1);
    expect(answer.response.status).toBe(400);
    expect(answer.text).toContain(OAUTH_MESSAGES.badCode);
    expect(answer.setCookies.filter((c) => /^wechat_session_(brand|shop)=/.test(c))).toEqual([]);
    expect((await visit('/brand/me', brandJar)).response.status).toBe(302);

    // The shop's own callback still signs the user in to the shop.
    const done = await visit(`${shopCallback.pathname}${shopCallback.search}`, shopJar);
    expect(done.response.status).toBe(302);
    expect(JSON.parse((await visit('/shop/me', shopJar)).text)).toEqual({
      account: 'shop',
      openid: 'o_alice_000000',
    });
  });

  function text(to: string, content: string, from = 'o_alice_000000') {
    return {
      ToUserName: to,
      FromUserName: from,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'text',
      Content: content,
      MsgId: String(7_000_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 2 ** 40))),
    };
  }

  async function post(path: string, push: SignedPush) {
    const response = await fetch(`${appUrl}${path}?${push.query}`, {
      method: 'POST',
      headers: { 'Content-Type': push.contentType },
      body: push.body,
    });
    return { status: response.status, text: await response.text() };
  }

  it("refuses a push signed with the shop's token at the brand's path (appId and name)", async () => {
    for (const mode of ['plain', 'safe'] as const) {
      const push = signedPush(text('gh_shop', `forged ${mode}`), {
        mode,
        format: 'xml',
        appId: SHOP.appId,
        key: SHARED_AES_KEY,
        token: TOKENS.shop,
      });
      for (const path of [`/wechat/push/${BRAND.appId}`, '/wechat/push/brand']) {
        const answer = await post(path, push);
        expect(answer.status).toBe(401);
        expect(answer.text).not.toContain(TOKENS.brand);
      }
    }
    expect(handled).toEqual([]);
  });

  it("refuses a push encrypted for the shop, signed with the brand's token, at the brand's path (shared key)", async () => {
    const push = signedPush(text('gh_shop', 'for the shop'), {
      mode: 'safe',
      format: 'xml',
      appId: SHOP.appId,
      key: SHARED_AES_KEY,
      token: TOKENS.brand,
    });
    const answer = await post('/wechat/push/brand', push);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(handled).toEqual([]);
  });

  it("hands the brand's pushes to the general handler only, never to the shop's own", async () => {
    for (const path of [`/wechat/push/${BRAND.appId}`, '/wechat/push/brand']) {
      const push = signedPush(text('gh_brand', `to ${path}`), {
        mode: 'plain',
        format: 'xml',
        appId: BRAND.appId,
        key: SHARED_AES_KEY,
        token: TOKENS.brand,
      });
      const answer = await post(path, push);
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('general:brand');
    }
    const toShop = signedPush(text('gh_shop', 'to the shop'), {
      mode: 'safe',
      format: 'xml',
      appId: SHOP.appId,
      key: SHARED_AES_KEY,
      token: TOKENS.shop,
    });
    expect((await post('/wechat/push/shop', toShop)).status).toBe(200);
    expect(handled.map(({ handler, account }) => `${handler}:${account}`)).toEqual([
      'general:brand',
      'general:brand',
      'shopOnly:shop',
    ]);
  });
});
