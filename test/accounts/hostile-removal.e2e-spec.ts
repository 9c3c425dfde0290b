import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  OnWeChatMessage,
  type TextMessage,
  WeChatAccountNotFoundError,
  type WeChatAccountOptions,
  WeChatAccounts,
  type WeChatAccount,
  WeChatArgumentError,
  WeChatAuth,
  type WeChatAuthUser,
  WeChatModule,
  type WeChatModuleOptions,
  WeChatUser,
} from '../../src/index.js';
import { WeChatEmulators } from '../../src/testing/index.js';
import { type Platform, PLATFORMS, startApp } from '../oauth/platforms.js';
import { type SignedPush, signedPush } from '../push/push-requests.js';
import { REDIS_URL, uniquePrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

// WeChatAccounts.remove racing what the account is doing: sign-ins and pushes in flight, a
// source lookup in flight, a get right after; and removals that cannot or need not happen.

const SHOP = { name: 'shop', appId: 'wx1111aaaa2222bbbb', appSecret: 'shop-secret-0123456789ab' };
const BRAND = { name: 'brand', appId: 'wx3333cccc4444dddd', appSecret: 'brand-secret-012345678' };
const MERCHANT = {
  name: 'merchant',
  appId: 'wx5555eeee6666ffff',
  appSecret: 'merchant-secret-0123456',
};
const LEAVING = { name: 'leaving', appId: 'wx7777aaaa8888bbbb', appSecret: 'leaving-secret-1' };
const SESSION_SECRET = 'hostile-removal-session-secret-0123456789abcdef';
const TOKENS = { shop: 'shopToken1', brand: 'brandToken2', merchant: 'merchantToken3' };
const EXCHANGE = '/sns/oauth2/access_token';

/** The merchants' database: a row per account, taken out when the merchant leaves. */
const database = new Map<string, WeChatAccountOptions>();
const asked: string[] = [];
/** While set, lookups (and push handlers) wait for it: the test decides when they go on. */
let lookupGate: Promise<void> | undefined;
let handlerGate: Promise<void> | undefined;
let handlersStarted = 0;

async function find(key: string): Promise<WeChatAccountOptions | undefined> {
  asked.push(key);
  const row = [...database.values()].find((a) => a.appId === key || a.name === key);
  if (lookupGate) await lookupGate;
  return row && { ...row };
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const handled: string[] = [];

@Injectable()
class Handlers {
  @OnWeChatMessage('text')
  async text(message: TextMessage, account: WeChatAccount): Promise<string> {
    handlersStarted += 1;
    if (handlerGate) await handlerGate;
    handled.push(`${account.name}:${message.Content}`);
    return `${account.name} got ${message.Content}`;
  }
}

@Controller()
class Pages {
  @Get('m/:appId/me')
  @WeChatAuth({ account: (request: { params: { appId: string } }) => request.params.appId })
  merchant(@WeChatUser() user: WeChatAuthUser) {
    return { openid: user.openid };
  }
}

type Jar = Map<string, string>;

function text(content: string) {
  return {
    ToUserName: 'gh_account',
    FromUserName: 'o_pusher_0001',
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: content,
    MsgId: String(7_100_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 2 ** 40))),
  };
}

function push(token: string, content: string): SignedPush {
  return signedPush(text(content), { mode: 'plain', format: 'xml', appId: '', key: '', token });
}

describe.each(PLATFORMS)('removing accounts on %s', (platform: Platform) => {
  let wechat: WeChatEmulators;
  let app: INestApplication;
  let appUrl: string;
  let accounts: WeChatAccounts;

  beforeAll(async () => {
    wechat = await WeChatEmulators.start([SHOP, BRAND, MERCHANT]);
    const options: WeChatModuleOptions = {
      accounts: [
        { ...SHOP, push: { token: TOKENS.shop } },
        { ...BRAND, push: { token: TOKENS.brand } },
      ],
      accountSource: { find },
      apiBaseUrl: wechat.url,
      openBaseUrl: wechat.url,
      retry: { attempts: 2, baseDelayMs: 5 },
      httpTimeoutMs: 3000,
      token: { prefetch: false },
      oauth: { sessionSecret: SESSION_SECRET },
      push: {},
    };
    ({ app, url: appUrl } = await startApp(platform, {
      imports: [WeChatModule.forRoot(options)],
      controllers: [Pages],
      providers: [Handlers],
    }));
    accounts = app.get(WeChatAccounts);
    wechat.get(MERCHANT.appId).addUser({ openid: 'o_merchant_fan1' });
    wechat.get(BRAND.appId).addUser({ openid: 'o_brand_fan0001' });
  });

  afterEach(async () => {
    database.clear();
    handlerGate = undefined;
    lookupGate = undefined;
    asked.length = 0;
    handled.length = 0;
    // Every test starts with the source's accounts unknown to this process.
    for (const appId of [MERCHANT.appId, LEAVING.appId]) {
      if (accounts.find(appId)) await accounts.remove(appId);
    }
  });

  afterAll(async () => {
    await app?.close();
    await wechat?.close();
  });

  const merchantRow = () => ({ ...MERCHANT, push: { token: TOKENS.merchant } });

  async function visit(url: string, jar: Jar) {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url.startsWith('http') ? url : `${appUrl}${url}`, {
      redirect: 'manual',
      headers: { Accept: 'text/html', ...(cookie && { Cookie: cookie }) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return { status: response.status, location: response.headers.get('location'), jar };
  }

  /** The page, then WeChat's authorize page: the callback (path and query) not yet visited. */
  async function toCallback(appId: string, openid: string, jar: Jar): Promise<string> {
    const page = await visit(`/m/${appId}/me`, jar);
    expect(page.status).toBe(302);
    wechat.get(appId).signIn(openid);
    const authorize = await visit(page.location!, new Map());
    expect(authorize.status).toBe(302);
    const callback = new URL(authorize.location!);
    return `${callback.pathname}${callback.search}`;
  }

  async function post(path: string, signed: SignedPush) {
    const response = await fetch(`${appUrl}${path}?${signed.query}`, {
      method: 'POST',
      headers: { 'Content-Type': signed.contentType },
      body: signed.body,
      signal: AbortSignal.timeout(8000),
    });
    return { status: response.status, text: await response.text() };
  }

  it('refuses to remove the default account, by name or appId; other keys remove nothing', async () => {
    const shop = accounts.default!;
    for (const key of ['shop', SHOP.appId]) {
      await expect(accounts.remove(key)).rejects.toBeInstanceOf(WeChatArgumentError);
    }
    // Its appId in upper case, an account nobody has: nothing to remove, nothing removed.
    expect(await accounts.remove(SHOP.appId.toUpperCase())).toBe(false);
    expect(await accounts.remove('nobody')).toBe(false);
    for (const key of ['', 'x'.repeat(200), '店铺']) {
      await expect(accounts.remove(key)).rejects.toBeInstanceOf(WeChatArgumentError);
    }
    expect(accounts.default).toBe(shop);
    expect(await accounts.get('shop')).toBe(shop);
    expect(await accounts.get(BRAND.appId)).toBeDefined();
  });

  it('answers a sign-in started before its account was removed with a clear 4xx, or completes it', async () => {
    database.set(MERCHANT.appId, merchantRow());
    // The merchant (from the source) and the brand (listed): both removed mid-sign-in.
    const merchantJar: Jar = new Map();
    const merchantCallback = await toCallback(MERCHANT.appId, 'o_merchant_fan1', merchantJar);
    const brandJar: Jar = new Map();
    const brandCallback = await toCallback(BRAND.appId, 'o_brand_fan0001', brandJar);
    expect(await accounts.remove('merchant')).toBe(true);
    expect(await accounts.remove('brand')).toBe(true);

    // The merchant is still in the database: found anew, the sign-in completes.
    const merchantDone = await visit(merchantCallback, merchantJar);
    expect(merchantDone.status).toBe(302);
    expect((await visit(`/m/${MERCHANT.appId}/me`, merchantJar)).status).toBe(200);
    // The brand is gone for good: its sign-in link is refused.
    const brandDone = await visit(brandCallback, brandJar);
    expect(brandDone.status).toBe(400);
    expect([...brandJar.keys()].filter((name) => name === 'wechat_session_brand')).toEqual([]);
    expect((await post('/wechat/push/brand', push(TOKENS.brand, 'after'))).status).toBe(404);
  });

  it('completes a code exchange in flight while its account is removed', async () => {
    database.set(MERCHANT.appId, merchantRow());
    const jar: Jar = new Map();
    const callback = await toCallback(MERCHANT.appId, 'o_merchant_fan1', jar);
    const exchanges = wechat.get(MERCHANT.appId).callCount(EXCHANGE);
    wechat.get(MERCHANT.appId).injectFault(EXCHANGE, { delayMs: 400 });
    const done = visit(callback, jar);
    await waitFor(
      'the code exchange to reach WeChat',
      () => wechat.get(MERCHANT.appId).callCount(EXCHANGE) > exchanges,
    );
    expect(await accounts.remove(MERCHANT.appId)).toBe(true);
    expect((await done).status).toBe(302);
    expect((await visit(`/m/${MERCHANT.appId}/me`, jar)).status).toBe(200);
  });

  it('answers every push in flight when its account is removed, and the next ones too', async () => {
    database.set(MERCHANT.appId, merchantRow());
    await accounts.get(MERCHANT.appId);
    const handlers = gate();
    handlerGate = handlers.opened;
    handlersStarted = 0;
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      post(`/wechat/push/${i % 2 ? 'merchant' : MERCHANT.appId}`, push(TOKENS.merchant, `m${i}`)),
    );
    await waitFor('every push to reach its handler', () => handlersStarted === 5);
    expect(await accounts.remove('merchant')).toBe(true);
    handlers.open();
    handlerGate = undefined;
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    // The merchant is still in the database: found anew, its pushes answered.
    const after = await post(`/wechat/push/${MERCHANT.appId}`, push(TOKENS.merchant, 'after'));
    expect(after).toMatchObject({
      status: 200,
      text: expect.stringContaining('merchant got after'),
    });
  });

  it('finds the account anew on the first get after its removal, and not at all once it left', async () => {
    database.set(MERCHANT.appId, merchantRow());
    const first = await accounts.get('merchant');
    expect(await accounts.remove('merchant')).toBe(true);
    const again = await accounts.get(MERCHANT.appId);
    expect(again).not.toBe(first);
    expect(again.appId).toBe(MERCHANT.appId);
    // The merchant leaves: out of the database, then removed. Nothing of it is left.
    database.delete(MERCHANT.appId);
    expect(await accounts.remove(MERCHANT.appId)).toBe(true);
    await expect(accounts.get(MERCHANT.appId)).rejects.toBeInstanceOf(WeChatAccountNotFoundError);
    expect((await post(`/wechat/push/merchant`, push(TOKENS.merchant, 'gone'))).status).toBe(404);
  });

  it('does not keep an account whose source lookup was in flight when it was removed', async () => {
    // The merchant leaves while a request for it is being looked up: the lookup read the row
    // just before it was deleted, and the app removes the account right after deleting it.
    const leaving = LEAVING;
    database.set(leaving.appId, { ...leaving, push: { token: 'leavingToken4' } });
    const lookups = gate();
    lookupGate = lookups.opened;
    const lookup = accounts.get(leaving.appId).then(
      () => 'found',
      () => 'refused',
    );
    await waitFor('the lookup to reach the database', () => asked.includes(leaving.appId));
    database.delete(leaving.appId);
    expect(await accounts.remove(leaving.appId)).toBe(false);
    lookups.open();
    lookupGate = undefined;
    // The request that was waiting is refused: the account was removed while it was looked up.
    expect(await lookup).toBe('refused');
    // Removed means removed: the stale account is not kept (its old secret, its old token).
    expect(accounts.find(leaving.appId)?.appId).toBeUndefined();
    const later = await accounts.get(leaving.appId).then(
      (account) => account.appId,
      (error: Error) => error.name,
    );
    expect(later).toBe('WeChatAccountNotFoundError');
  });
});

describe('removing an account from an instance that never used it (shared Redis)', () => {
  const apps: INestApplication[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  async function instance(keyPrefix: string): Promise<WeChatAccounts> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WeChatModule.forRoot({
          accounts: [SHOP],
          accountSource: {
            find: async (key) =>
              key === MERCHANT.appId || key === MERCHANT.name ? { ...MERCHANT } : undefined,
          },
          token: { prefetch: false },
          redis: { url: REDIS_URL, keyPrefix },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    apps.push(app);
    await app.init();
    return app.get(WeChatAccounts);
  }

  it.each([
    ['its appId', MERCHANT.appId],
    ['its name', MERCHANT.name],
  ])('makes every instance forget it when removed by %s', async (_how, key) => {
    const keyPrefix = uniquePrefix();
    const holder = await instance(keyPrefix);
    const admin = await instance(keyPrefix);
    await holder.get(MERCHANT.appId);
    expect(holder.find(MERCHANT.appId)).toBeDefined();
    // The admin process removes the merchant it never loaded, by the key the app knows it by.
    await admin.remove(key);
    await waitFor(
      `the holder to forget the merchant removed by ${key}`,
      () => holder.find(MERCHANT.appId) === undefined,
      2000,
    );
  });
});
