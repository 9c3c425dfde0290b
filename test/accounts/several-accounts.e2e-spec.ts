import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  InjectWeChatAccount,
  OnWeChatMessage,
  TokenService,
  WeChatAccount,
  WeChatAccountNotFoundError,
  WeChatAccounts,
  WeChatAuth,
  WeChatModule,
  WeChatUser,
  type TextMessage,
  type WeChatAccountOptions,
  type WeChatAuthUser,
  type WeChatModuleOptions,
} from '../../src/index.js';
import { RefreshScheduler } from '../../src/token/refresh-scheduler.js';
import { WeChatEmulator, WeChatEmulators } from '../../src/testing/index.js';

const SHOP = {
  name: 'shop',
  appId: 'wx1111aaaa2222bbbb',
  appSecret: 'shop-secret-0123456789abcdef',
};
const BRAND = {
  name: 'brand',
  appId: 'wx3333cccc4444dddd',
  appSecret: 'brand-secret-0123456789abcdef',
};
const SESSION_SECRET = 'several-accounts-session-secret-0123456789';
const PUSH_TOKENS = { shop: 'shopPushToken1', brand: 'brandPushToken2' };

@Injectable()
class UsesShop {
  constructor(@InjectWeChatAccount('shop') readonly shop: WeChatAccount) {}
}

@Injectable()
class PushHandlers {
  @OnWeChatMessage('text', undefined, { account: 'shop' })
  shopText(message: TextMessage, account: WeChatAccount): string {
    return `shop handler for ${account.name}: ${message.Content}`;
  }

  @OnWeChatMessage('text')
  anyText(message: TextMessage, account: WeChatAccount): string {
    return `general handler for ${account.name}: ${message.Content}`;
  }
}

@Controller()
class PagesController {
  @Get('shop/me')
  @WeChatAuth({ account: 'shop' })
  shopMe(@WeChatUser() user: WeChatAuthUser) {
    return { account: 'shop', openid: user.openid };
  }

  @Get('brand/me')
  @WeChatAuth({ account: 'brand' })
  brandMe(@WeChatUser() user: WeChatAuthUser) {
    return { account: 'brand', openid: user.openid };
  }

  // A merchant's page: the account comes from the path (SaaS).
  @Get('m/:appId/me')
  @WeChatAuth({ account: (request: { params: { appId: string } }) => request.params.appId })
  merchantMe(@WeChatUser() user: WeChatAuthUser) {
    return { openid: user.openid };
  }
}

describe('several accounts in one app', () => {
  let shopWeChat: WeChatEmulator;
  let brandWeChat: WeChatEmulator;
  let router: WeChatEmulators;
  let app: INestApplication | undefined;
  let appUrl: string;

  beforeAll(async () => {
    shopWeChat = await WeChatEmulator.start({ appId: SHOP.appId, appSecret: SHOP.appSecret });
    brandWeChat = await WeChatEmulator.start({ appId: BRAND.appId, appSecret: BRAND.appSecret });
    router = await WeChatEmulators.front([shopWeChat, brandWeChat]);
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  afterAll(async () => {
    await router.close();
    await Promise.all([shopWeChat.close(), brandWeChat.close()]);
  });

  function options(overrides: Partial<WeChatModuleOptions> = {}): WeChatModuleOptions {
    return {
      accounts: [
        { ...SHOP, push: { token: PUSH_TOKENS.shop } },
        { ...BRAND, push: { token: PUSH_TOKENS.brand } },
      ],
      apiBaseUrl: router.url,
      openBaseUrl: router.url,
      retry: { attempts: 2, baseDelayMs: 5 },
      token: { prefetch: false },
      oauth: { sessionSecret: SESSION_SECRET },
      push: {},
      ...overrides,
    };
  }

  async function start(overrides: Partial<WeChatModuleOptions> = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [WeChatModule.forRoot(options(overrides))],
      controllers: [PagesController],
      providers: [UsesShop, PushHandlers],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    appUrl = await app.getUrl();
    appUrl = appUrl.replace('[::1]', 'localhost');
    return app;
  }

  /** A page load with the cookies of `jar`; keeps the cookies the answer sets. */
  async function visit(path: string, jar: Map<string, string>, base = appUrl): Promise<Response> {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(path.startsWith('http') ? path : `${base}${path}`, {
      redirect: 'manual',
      headers: { Accept: 'text/html', ...(cookie && { Cookie: cookie }) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  }

  // The browser's walk: the page, WeChat's authorize page (through the router), the callback.
  async function signIn(emulator: WeChatEmulator, openid: string, path: string) {
    const jar = new Map<string, string>();
    const page = await visit(path, jar);
    expect(page.status).toBe(302);
    emulator.signIn(openid);
    const authorize = await visit(page.headers.get('location')!, new Map());
    expect(authorize.status).toBe(302);
    const callback = new URL(authorize.headers.get('location')!);
    const signedIn = await visit(`${callback.pathname}${callback.search}`, jar);
    expect(signedIn.status).toBe(302);
    return jar;
  }

  it('gives each account its own token, by name or appId; the first is the default', async () => {
    const nest = await start();
    const accounts = nest.get(WeChatAccounts);
    const shop = await accounts.get('shop');
    const brand = await accounts.get(BRAND.appId);
    expect(await accounts.get(SHOP.appId)).toBe(shop);
    expect(brand.name).toBe('brand');
    const [shopToken, brandToken] = await Promise.all([
      shop.tokens.getAccessToken(),
      brand.tokens.getAccessToken(),
    ]);
    expect(shopToken).not.toBe(brandToken);
    expect(shopWeChat.callCount('/cgi-bin/token')).toBe(1);
    expect(brandWeChat.callCount('/cgi-bin/token')).toBe(1);
    // The one-account injectables are the default (first) account's.
    expect(nest.get(TokenService)).toBe(shop.tokens);
    expect(nest.get(UsesShop).shop).toBe(shop);
    // Both accounts' refreshes wait on the module's one scheduler.
    expect(nest.get(RefreshScheduler).names().sort()).toEqual(
      [
        `nestjs-wechat:${SHOP.appId}:access_token:refresh`,
        `nestjs-wechat:${BRAND.appId}:access_token:refresh`,
      ].sort(),
    );
    expect(nest.get(RefreshScheduler).activeTimers).toBe(1);
    await expect(accounts.get('nobody')).rejects.toBeInstanceOf(WeChatAccountNotFoundError);
  });

  it('finds accounts of an account source on first use, once, and removes them', async () => {
    const asked: string[] = [];
    const nest = await start({
      accounts: [{ ...SHOP }],
      accountSource: {
        find: async (key) => {
          asked.push(key);
          return key === BRAND.appId ? ({ ...BRAND } as WeChatAccountOptions) : undefined;
        },
      },
      push: undefined,
    });
    const accounts = nest.get(WeChatAccounts);
    const [a, b] = await Promise.all([accounts.get(BRAND.appId), accounts.get(BRAND.appId)]);
    expect(a).toBe(b);
    expect(await accounts.get('brand')).toBe(a);
    expect(asked).toEqual([BRAND.appId]);
    await a.tokens.getAccessToken();
    const scheduler = nest.get(RefreshScheduler);
    const brandRefresh = `nestjs-wechat:${BRAND.appId}:access_token:refresh`;
    expect(scheduler.names()).toContain(brandRefresh);

    await expect(accounts.get('nobody')).rejects.toBeInstanceOf(WeChatAccountNotFoundError);
    expect(await accounts.remove('brand')).toBe(true);
    expect(scheduler.names()).not.toContain(brandRefresh);
    expect(accounts.find(BRAND.appId)).toBeUndefined();
    // Asked again after removal: a new account, a new source lookup.
    const again = await accounts.get(BRAND.appId);
    expect(again).not.toBe(a);
    expect(asked.filter((key) => key === BRAND.appId)).toHaveLength(2);
    await expect(accounts.remove('shop')).rejects.toThrow(/default account/);
  });

  it('signs users in per account: a session of one account is none for the other', async () => {
    await start();
    for (const emulator of [shopWeChat, brandWeChat]) {
      emulator.addUser({ openid: 'o_alice_00000001', nickname: 'Alice' });
    }
    const jar = await signIn(shopWeChat, 'o_alice_00000001', '/shop/me');
    const shopPage = await visit('/shop/me', jar);
    expect(shopPage.status).toBe(200);
    expect(await shopPage.json()).toEqual({ account: 'shop', openid: 'o_alice_00000001' });

    // The brand's page sends the same browser to sign in with the brand's appId.
    const brandPage = await visit('/brand/me', jar);
    expect(brandPage.status).toBe(302);
    expect(new URL(brandPage.headers.get('location')!).searchParams.get('appid')).toBe(BRAND.appId);

    // Even under the brand's cookie name, the shop's session is refused.
    const shopSession = jar.get('wechat_session_shop');
    expect(shopSession).toBeDefined();
    const forged = await fetch(`${appUrl}/brand/me`, {
      redirect: 'manual',
      headers: { Accept: 'text/html', Cookie: `wechat_session_brand=${shopSession}` },
    });
    expect(forged.status).toBe(302);
  });

  it('signs users in to an account chosen from the request, found by the account source', async () => {
    await start({
      accounts: [{ ...SHOP }],
      accountSource: {
        find: async (key) => (key === BRAND.appId ? { ...BRAND } : undefined),
      },
      push: undefined,
    });
    brandWeChat.addUser({ openid: 'o_carol_0000001', nickname: 'Carol' });
    const jar = await signIn(brandWeChat, 'o_carol_0000001', `/m/${BRAND.appId}/me`);
    const page = await visit(`/m/${BRAND.appId}/me`, jar);
    expect(page.status).toBe(200);
    expect(await page.json()).toEqual({ openid: 'o_carol_0000001' });
    // The shop's page of the same browser needs a sign-in of its own.
    expect((await visit(`/m/${SHOP.appId}/me`, jar)).status).toBe(302);
    // A made-up account in the path is the client's mistake.
    const unknown = await fetch(`${appUrl}/m/wxnobody/me`, { headers: { Accept: 'text/html' } });
    expect(unknown.status).toBe(400);
  });

  it('explains, on use, that a module with only a source has no default account', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WeChatModule.forRoot({
          ...options(),
          accounts: undefined,
          accountSource: { find: async () => undefined },
          oauth: undefined,
          push: undefined,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    expect(() => app!.get(TokenService).getAccessToken()).toThrow(
      /default account, and WeChatModule has none.*WeChatAccounts\.get/,
    );
  });

  it('mounts the push route for several accounts from forRootAsync (severalAccounts)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WeChatModule.forRootAsync({
          useFactory: () => options({ oauth: undefined }),
          pushPath: '/wechat/push',
          severalAccounts: true,
        }),
      ],
      providers: [PushHandlers],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    appUrl = (await app.getUrl()).replace('[::1]', 'localhost');
    brandWeChat.addUser({ openid: 'o_dave_0000001', nickname: 'Dave' });
    await brandWeChat.configurePush({
      url: `${appUrl}/wechat/push/${BRAND.appId}`,
      token: PUSH_TOKENS.brand,
      mode: 'plain',
    });
    const outcome = await brandWeChat.push(brandWeChat.compose.text('o_dave_0000001', 'yo'));
    expect(outcome).toMatchObject({ reply: { Content: 'general handler for brand: yo' } });
  });

  it('receives pushes per account at push.path/:account, with handlers per account', async () => {
    await start();
    for (const emulator of [shopWeChat, brandWeChat]) {
      emulator.addUser({ openid: 'o_bob_000000001', nickname: 'Bob' });
    }
    await shopWeChat.configurePush({
      url: `${appUrl}/wechat/push/${SHOP.appId}`,
      token: PUSH_TOKENS.shop,
      mode: 'plain',
    });
    await brandWeChat.configurePush({
      url: `${appUrl}/wechat/push/brand`,
      token: PUSH_TOKENS.brand,
      mode: 'plain',
    });
    const toShop = await shopWeChat.push(shopWeChat.compose.text('o_bob_000000001', 'hi'));
    const toBrand = await brandWeChat.push(brandWeChat.compose.text('o_bob_000000001', 'hey'));
    expect(toShop).toMatchObject({
      shown: 'reply',
      reply: { Content: 'shop handler for shop: hi' },
    });
    expect(toBrand).toMatchObject({
      shown: 'reply',
      reply: { Content: 'general handler for brand: hey' },
    });
    // An account nobody has: 404, and the other account's token does not verify it.
    const unknown = await fetch(`${appUrl}/wechat/push/nobody?echostr=1`);
    expect(unknown.status).toBe(404);
  });
});
