import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type INestApplication } from '@nestjs/common';
import {
  OnWeChatMessage,
  type TextMessage,
  type WeChatAccount,
  type WeChatAccountOptions,
  WeChatAccounts,
  WeChatAuth,
  type WeChatAuthUser,
  WeChatModule,
  type WeChatModuleOptions,
  WeChatUser,
} from '../../src/index.js';
import { pushSignature } from '../../src/push/push-signature.js';
import { WeChatEmulators } from '../../src/testing/index.js';
import { type Platform, PLATFORMS, startApp } from '../oauth/platforms.js';
import { RecordingLogger } from '../support/lines-logger.js';

// An accountSource that misbehaves (throws, hangs, answers junk or another account than asked):
// the guard, the OAuth callback and the push endpoint each answer a clear 4xx/5xx, in time, with
// no secret in the body or the logs, and never serve one account under another's key.

const SHOP = { name: 'shop', appId: 'wx1111aaaa2222bbbb', appSecret: 'SHOPSECRETshopsecret0001' };
const BRAND = { name: 'brand', appId: 'wx3333cccc4444dddd', appSecret: 'BRANDSECRETbrandsecret02' };
const SESSION_SECRET = 'hostile-account-source-session-secret-0123456789';
const DB_PASSWORD = 'DBPASSWORDhunter2';

/** Every secret that must appear in no answer and no log line. */
const SECRETS = [SHOP.appSecret, BRAND.appSecret, SESSION_SECRET, 'SOURCESECRET', 'shopPushTok1'];

// Source accounts whose appId a malicious merchant names its own account after.
const VICTIM = { name: 'victim', appId: 'wxvictim00000001', appSecret: 'SOURCESECRETvictim' };
const MALLORY = { name: VICTIM.appId, appId: 'wxmallory0000001', appSecret: 'SOURCESECRETmal' };

const HANGING = 'wxhangs000000001';
/** Keys whose lookups hang; a key taken off answers from then on (the database is back). */
const hanging = new Set<string>();
const asked: string[] = [];

/** What the app's database answers for each made-up key: the ways a source goes wrong. */
async function find(key: string): Promise<WeChatAccountOptions | undefined> {
  asked.push(key);
  switch (key) {
    case 'wxthrows00000001':
      throw new Error(`connect ECONNREFUSED postgres://merchants:${DB_PASSWORD}@db/merchants`);
    case HANGING:
      if (hanging.has(key)) return new Promise(() => undefined);
      return { appId: HANGING, appSecret: 'SOURCESECREThangs', push: { token: 'hangsToken1' } };
    case 'wxnosecret000001':
      return { appId: key, push: { token: 'abcdef' } } as WeChatAccountOptions;
    case 'wxjunkstring0001':
      return 'yes' as unknown as WeChatAccountOptions;
    case 'wxjunkarray00001':
      return [] as unknown as WeChatAccountOptions;
    case 'wxjunkproto00001':
      return JSON.parse(
        `{"appId":"${key}","appSecret":"SOURCESECRETproto","__proto__":{"admin":true}}`,
      ) as WeChatAccountOptions;
    case 'wxbadtoken000001':
      return { appId: key, appSecret: 'SOURCESECRETbadtok', push: { token: 'SOURCESECRET!!' } };
    // A name that a listed account has.
    case 'wxclash000000001':
      return { name: 'shop', appId: key, appSecret: 'SOURCESECRETclash', push: { token: 'ab12' } };
    // Another account than the one asked for: a listed one, or one nobody asked for.
    case 'wxaskedfor000001':
      return { ...BRAND, push: { token: 'brandPushTok2' } };
    case 'wxaskedfor000002':
      return { appId: 'wxsomebodyelse01', appSecret: 'SOURCESECRETelse', push: { token: 'else1' } };
    case VICTIM.appId:
      return { ...VICTIM, push: { token: 'victimToken1' } };
    case MALLORY.appId:
      return { ...MALLORY, push: { token: 'malloryToken1' } };
    default:
      return undefined;
  }
}

const victimHandled: string[] = [];

@Injectable()
class Handlers {
  // The app's handler for the victim merchant's pushes (it writes to the victim's records).
  @OnWeChatMessage('text', undefined, { account: VICTIM.appId })
  victimText(message: TextMessage, account: WeChatAccount): string {
    victimHandled.push(`${account.appId}: ${message.Content}`);
    return 'noted for the victim';
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

interface Answer {
  status: number;
  text: string;
  /** The request got no answer within the wait. */
  hung?: true;
}

/** A GET of `path` as given; gives up after `waitMs` (reported as `hung`). */
function get(baseUrl: string, path: string, waitMs = 5000): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: hostname, port, path, headers: { Accept: 'text/html' }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ status: 0, text: '', hung: true });
    }, waitMs);
    req.on('error', () => undefined);
    req.end();
  });
}

/** The three ways a request names an account: a push URL check, a callback, a guarded page. */
function entryPoints(key: string): string[] {
  const state = 'C'.repeat(32) + Buffer.from(key).toString('hex');
  return [
    `/wechat/push/${key}?signature=x&timestamp=1&nonce=1&echostr=e`,
    `/wechat/oauth/callback?code=abc&state=${state}`,
    `/m/${key}/me`,
  ];
}

describe.each(PLATFORMS)('a misbehaving accountSource on %s', (platform: Platform) => {
  let wechat: WeChatEmulators;
  let app: INestApplication;
  let appUrl: string;
  let logger: RecordingLogger;

  beforeAll(async () => {
    wechat = await WeChatEmulators.start([SHOP, BRAND]);
    logger = new RecordingLogger();
    const options: WeChatModuleOptions = {
      accounts: [
        { ...SHOP, push: { token: 'shopPushTok1' } },
        { ...BRAND, push: { token: 'brandPushTok2' } },
      ],
      accountSource: { find },
      apiBaseUrl: wechat.url,
      openBaseUrl: wechat.url,
      retry: { attempts: 2, baseDelayMs: 5 },
      httpTimeoutMs: 1000,
      token: { prefetch: false },
      oauth: { sessionSecret: SESSION_SECRET },
      push: {},
    };
    ({ app, url: appUrl } = await startApp(
      platform,
      {
        imports: [WeChatModule.forRoot(options)],
        controllers: [Pages],
        providers: [Handlers],
      },
      logger,
    ));
  });

  afterEach(() => {
    // No secret in any log line, whatever the test did.
    const leaks = logger.lines.filter((line) => SECRETS.some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
  });

  afterAll(async () => {
    hanging.clear();
    await app?.close();
    await wechat?.close();
  });

  it('answers a source that throws or answers junk with a clear 4xx/5xx and no secret', async () => {
    const keys = [
      'wxthrows00000001',
      'wxnosecret000001',
      'wxjunkstring0001',
      'wxjunkarray00001',
      'wxjunkproto00001',
      'wxbadtoken000001',
      'wxclash000000001',
    ];
    const wrong: unknown[] = [];
    for (const key of keys) {
      for (const path of entryPoints(key)) {
        const answer = await get(appUrl, path);
        const leaked = [...SECRETS, DB_PASSWORD].filter((s) => answer.text.includes(s));
        if (answer.hung || answer.status < 400 || leaked.length > 0) {
          wrong.push({ path, status: answer.status, hung: answer.hung, leaked });
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    // The app's listed accounts are untouched by the clash.
    const accounts = app.get(WeChatAccounts);
    expect((await accounts.get('shop')).appId).toBe(SHOP.appId);
  });

  it('never serves one account under the key of another: the source must answer the one asked', async () => {
    const accounts = app.get(WeChatAccounts);
    for (const key of ['wxaskedfor000001', 'wxaskedfor000002']) {
      const found = await accounts.get(key).then(
        (account) => account.appId,
        () => 'refused',
      );
      expect({ key, found }).toEqual({ key, found: 'refused' });
    }
  });

  it("does not let a source account named after another's appId take that appId's pushes", async () => {
    const accounts = app.get(WeChatAccounts);
    // Mallory's account, found first (any request naming it does), is named VICTIM's appId.
    await get(appUrl, `/wechat/push/${MALLORY.appId}?echostr=1`);
    const victim = await accounts.get(VICTIM.appId);
    expect({ name: victim.name, appId: victim.appId }).toEqual({
      name: VICTIM.name,
      appId: VICTIM.appId,
    });
    // WeChat's URL check for the victim's account, signed with the victim's token.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = pushSignature('victimToken1', timestamp, '42');
    const check = await get(
      appUrl,
      `/wechat/push/${VICTIM.appId}?signature=${signature}&timestamp=${timestamp}&nonce=42&echostr=hello`,
    );
    expect(check).toEqual({ status: 200, text: 'hello' });
  });

  it("does not hand a source account named after another's appId that appId's push handlers", async () => {
    victimHandled.length = 0;
    await get(appUrl, `/wechat/push/${MALLORY.appId}?echostr=1`);
    // Mallory pushes to her own account (she owns it at WeChat, so she can sign for it).
    const timestamp = String(Math.floor(Date.now() / 1000));
    const body =
      `<xml><ToUserName><![CDATA[gh_mallory]]></ToUserName><FromUserName><![CDATA[o_m]]></FromUserName>` +
      `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
      `<Content><![CDATA[forged order]]></Content><MsgId>7100000000000000001</MsgId></xml>`;
    const signature = pushSignature('malloryToken1', timestamp, '9');
    const response = await fetch(
      `${appUrl}/wechat/push/${MALLORY.appId}?signature=${signature}&timestamp=${timestamp}&nonce=9`,
      { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body },
    );
    // A name that could be an appId is refused (names beginning with 'wx' are the appIds'):
    // her account is misconfigured (a 500 and a log line), and never the victim's.
    expect(response.status).toBe(500);
    expect(victimHandled).toEqual([]);
  });

  it('answers in time while the source hangs, and recovers once it answers again', async () => {
    hanging.add(HANGING);
    // Given up by the library within httpTimeoutMs (1 s); the client waits far longer than that.
    const answers = await Promise.all(
      entryPoints(HANGING).map((path) => get(appUrl, path, 15_000)),
    );

    // The database is back: the account is found, its URL check answered.
    hanging.delete(HANGING);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = pushSignature('hangsToken1', timestamp, '7');
    const check = await get(
      appUrl,
      `/wechat/push/${HANGING}?signature=${signature}&timestamp=${timestamp}&nonce=7&echostr=back`,
      15_000,
    );
    // With httpTimeoutMs 1000, a lookup that never settles is given up within seconds (a 5xx),
    // and the next request asks the source again.
    expect({
      whileHanging: answers.map((answer) => (answer.hung ? 'no answer' : answer.status >= 500)),
      afterwards: check.hung ? 'no answer' : check,
    }).toEqual({
      whileHanging: [true, true, true],
      afterwards: { status: 200, text: 'back' },
    });
  });

  it('asks a source that answers junk at most once per key per 10 s', async () => {
    const key = 'wxnosecret000001';
    const before = asked.filter((k) => k === key).length;
    for (let i = 0; i < 10; i++) await get(appUrl, entryPoints(key)[0]!);
    expect(asked.filter((k) => k === key).length - before).toBeLessThanOrEqual(1);
  });
});
