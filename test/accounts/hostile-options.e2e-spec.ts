import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Body,
  Controller,
  type DynamicModule,
  Get,
  type INestApplication,
  Post,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  WeChatAccounts,
  WeChatAuth,
  WeChatModule,
  type WeChatModuleOptions,
  WeChatOptionsError,
} from '../../src/index.js';
import { type Platform, PLATFORMS, startApp } from '../oauth/platforms.js';

// Option mistakes a careless operator makes with several accounts: each stops the app at start-up
// with a WeChatOptionsError that names the option (and no secret), rather than misbehaving later.

const SHOP = { name: 'shop', appId: 'wx1111aaaa2222bbbb', appSecret: 'SHOPSECRETshopsecret0001' };
const BRAND = { name: 'brand', appId: 'wx3333cccc4444dddd', appSecret: 'BRANDSECRETbrandsecret02' };
const SESSION_SECRET = 'SESSIONSECRET-hostile-options-0123456789abcdef';
const SECRETS = [SHOP.appSecret, BRAND.appSecret, SESSION_SECRET];

/** How start-up went: 'started', or the error's name and message. */
async function startUp(module: DynamicModule): Promise<string> {
  let app: INestApplication | undefined;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return 'started';
  } catch (error) {
    expect(error).toBeInstanceOf(WeChatOptionsError);
    const message = `${(error as Error).name}: ${(error as Error).message}`;
    for (const secret of SECRETS) expect(message).not.toContain(secret);
    return message;
  } finally {
    await app?.close();
  }
}

const base = (overrides: Partial<WeChatModuleOptions> = {}): WeChatModuleOptions => ({
  accounts: [{ ...SHOP }, { ...BRAND }],
  token: { prefetch: false },
  ...overrides,
});

describe('option mistakes with several accounts', () => {
  it.each<[string, WeChatModuleOptions, RegExp]>([
    [
      'two accounts naming the same session cookie',
      base({
        accounts: [
          { ...SHOP, oauth: { cookie: { name: 'sess' } } },
          { ...BRAND, oauth: { cookie: { name: 'sess' } } },
        ],
        oauth: { sessionSecret: SESSION_SECRET },
      }),
      /cookie\.name/,
    ],
    [
      "an account naming the cookie another account's name gives it",
      base({
        accounts: [{ ...SHOP, oauth: { cookie: { name: 'wechat_session_brand' } } }, { ...BRAND }],
        oauth: { sessionSecret: SESSION_SECRET },
      }),
      /cookie\.name/,
    ],
    [
      "an account whose session cookie is another account's pending sign-in cookie",
      base({
        accounts: [{ ...SHOP }, { ...BRAND, name: 'shop_oauth' }],
        oauth: { sessionSecret: SESSION_SECRET },
      }),
      /cookie\.name|name/,
    ],
    [
      "a callback path under the push endpoint (an account's push URL)",
      base({
        oauth: { sessionSecret: SESSION_SECRET, callbackPath: '/wechat/push/callback' },
        push: { token: 'pushToken1' },
      }),
      /callbackPath|push\.path/,
    ],
  ])('refuses %s at start-up', async (_mistake, options, named) => {
    const outcome = await startUp(WeChatModule.forRoot(options));
    expect(outcome).toMatch(/^WeChatOptionsError: /);
    expect(outcome).toMatch(named);
  });

  it.each<[string, WeChatModuleOptions, RegExp]>([
    [
      'an account with oauth, and no sessionSecret anywhere',
      base({ accounts: [{ ...SHOP }, { ...BRAND, oauth: { defaultScope: 'snsapi_userinfo' } }] }),
      /accounts\[1\]\.oauth\.sessionSecret/,
    ],
    [
      'a sessionSecret too short for one account',
      base({
        accounts: [{ ...SHOP }, { ...BRAND, oauth: { sessionSecret: 'short' } }],
        oauth: { sessionSecret: SESSION_SECRET },
      }),
      /accounts\[1\]\.oauth\.sessionSecret/,
    ],
    [
      'push defaults without a token, and an account without its own',
      base({ accounts: [{ ...SHOP, push: { token: 'shopToken1' } }, { ...BRAND }], push: {} }),
      /accounts\[1\]\.push\.token/,
    ],
    [
      'an account with its own push path',
      base({ accounts: [{ ...SHOP }, { ...BRAND, push: { token: 'tok123', path: '/b' } }] }),
      /accounts\[1\]\.push\.path/,
    ],
    [
      'an account with its own callback path',
      base({
        accounts: [{ ...SHOP }, { ...BRAND, oauth: { callbackPath: '/b/callback' } }],
        oauth: { sessionSecret: SESSION_SECRET },
      }),
      /accounts\[1\]\.oauth\.callbackPath/,
    ],
    [
      "one account's name the other's appId",
      base({ accounts: [{ ...SHOP }, { ...BRAND, name: SHOP.appId }] }),
      /accounts\[1\]/,
    ],
    ['appId next to accounts', { ...base(), appId: SHOP.appId }, /appId/],
    ['an account source without find', base({ accountSource: {} as never }), /accountSource/],
  ])('refuses %s at start-up (holds)', async (_mistake, options, named) => {
    const outcome = await startUp(WeChatModule.forRoot(options));
    expect(outcome).toMatch(/^WeChatOptionsError: /);
    expect(outcome).toMatch(named);
  });

  describe('forRootAsync and severalAccounts', () => {
    const several = base({ oauth: { sessionSecret: SESSION_SECRET }, push: { token: 'tok123' } });

    it.each<[string, DynamicModule, RegExp]>([
      [
        'several accounts from the factory, severalAccounts left out',
        WeChatModule.forRootAsync({
          useFactory: () => several,
          pushPath: '/wechat/push',
          oauthCallbackPath: '/wechat/oauth/callback',
        }),
        /severalAccounts/,
      ],
      [
        'severalAccounts: true, one account from the factory',
        WeChatModule.forRootAsync({
          useFactory: () => ({ ...SHOP, name: undefined, push: { token: 'tok123' } }),
          pushPath: '/wechat/push',
          severalAccounts: true,
        }),
        /severalAccounts/,
      ],
      [
        'several accounts with push, no pushPath',
        WeChatModule.forRootAsync({
          useFactory: () => several,
          oauthCallbackPath: '/wechat/oauth/callback',
          severalAccounts: true,
        }),
        /pushPath/,
      ],
      [
        'a pushPath the factory contradicts',
        WeChatModule.forRootAsync({
          useFactory: () => ({ ...several, push: { token: 'tok123', path: '/elsewhere' } }),
          pushPath: '/wechat/push',
          oauthCallbackPath: '/wechat/oauth/callback',
          severalAccounts: true,
        }),
        /push\.path/,
      ],
      [
        'severalAccounts not a boolean',
        WeChatModule.forRootAsync({
          useFactory: () => several,
          pushPath: '/wechat/push',
          oauthCallbackPath: '/wechat/oauth/callback',
          severalAccounts: 'yes' as unknown as boolean,
        }),
        /severalAccounts/,
      ],
    ])('refuses %s', async (_mistake, module, named) => {
      const outcome = await startUp(module);
      expect(outcome).toMatch(/^WeChatOptionsError: /);
      expect(outcome).toMatch(named);
    });

    it('starts with severalAccounts and oauth only on one account', async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          WeChatModule.forRootAsync({
            useFactory: () =>
              base({
                accounts: [{ ...SHOP }, { ...BRAND, oauth: { sessionSecret: SESSION_SECRET } }],
              }),
            oauthCallbackPath: '/wechat/oauth/callback',
            severalAccounts: true,
          }),
        ],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      try {
        const accounts = app.get(WeChatAccounts);
        expect((await accounts.get('brand')).options.oauth?.cookie.name).toBe(
          'wechat_session_brand',
        );
        expect((await accounts.get('shop')).options.oauth).toBeUndefined();
      } finally {
        await app.close();
      }
    });
  });
});

@Controller()
class AppRoutes {
  // The app's own admin route, whose path happens to end like an account's push URL.
  @Post('admin/wechat/push/settings')
  settings(@Body() body: unknown) {
    return { body: Buffer.isBuffer(body) ? 'raw bytes' : (body ?? null) };
  }

  @Get('m/:appId/me')
  @WeChatAuth({ account: (request: { params: { appId: string } }) => request.params.appId })
  merchant() {
    return { ok: true };
  }
}

describe.each(PLATFORMS)('accounts with and without oauth and push on %s', (platform: Platform) => {
  let app: INestApplication;
  let appUrl: string;

  beforeAll(async () => {
    ({ app, url: appUrl } = await startApp(platform, {
      imports: [
        WeChatModule.forRoot(
          base({
            // The shop receives pushes and signs nobody in; the brand the other way round.
            accounts: [
              { ...SHOP, push: { token: 'shopToken1' } },
              { ...BRAND, oauth: { sessionSecret: SESSION_SECRET } },
            ],
          }),
        ),
      ],
      controllers: [AppRoutes],
    }));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 404 to a push for an account without push (holds)', async () => {
    const answer = await fetch(`${appUrl}/wechat/push/brand?echostr=1`);
    expect(answer.status).toBe(404);
  });

  it('answers a 4xx, not a 500, to a page whose request names an account without oauth', async () => {
    const answer = await fetch(`${appUrl}/m/${SHOP.appId}/me`, {
      headers: { Accept: 'text/html' },
      redirect: 'manual',
    });
    expect(answer.status).toBe(400);
  });

  it("leaves the body of the app's own POST routes that end like a push URL to the app", async () => {
    const answer = await fetch(`${appUrl}/admin/wechat/push/settings`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ greeting: 'hello' }),
    });
    expect(await answer.json()).toEqual({ body: { greeting: 'hello' } });
  });
});
