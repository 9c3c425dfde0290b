import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  WeChatAccountNotFoundError,
  type WeChatAccountOptions,
  WeChatAccounts,
  WeChatAuth,
  type WeChatAuthUser,
  WeChatModule,
  type WeChatModuleOptions,
  WeChatUser,
} from '../../src/index.js';
import { WeChatEmulators } from '../../src/testing/index.js';
import { type Platform, PLATFORMS, startApp } from '../oauth/platforms.js';

// Hostile account keys: push path segments, OAuth states and guard-chosen accounts that name
// accounts nobody has, in every shape a client can send. Each must be a clear 4xx, cost at most
// one source lookup per key (per 10 s), and never reach or confuse a real account.

const SHOP = { name: 'shop', appId: 'wx1111aaaa2222bbbb', appSecret: 'shop-secret-0123456789ab' };
const BRAND = { name: 'brand', appId: 'wx3333cccc4444dddd', appSecret: 'brand-secret-012345678' };
const SESSION_SECRET = 'hostile-account-keys-session-secret-0123456789';

@Controller()
class Pages {
  // A merchant's page: the account comes from the path.
  @Get('m/:appId/me')
  @WeChatAuth({ account: (request: { params: { appId: string } }) => request.params.appId })
  merchant(@WeChatUser() user: WeChatAuthUser) {
    return { openid: user.openid };
  }

  // An account chosen by a query parameter, as a careless app writes it.
  @Get('q/me')
  @WeChatAuth({
    account: (request: { query: Record<string, unknown> }) => request.query.account as string,
  })
  byQuery(@WeChatUser() user: WeChatAuthUser) {
    return { openid: user.openid };
  }
}

/** Segments (raw, as they go on the wire) naming no account. */
const HOSTILE_SEGMENTS = [
  'x'.repeat(129),
  'x'.repeat(5000),
  '%E2%9C%93', // ✓
  '%E5%BA%97%E9%93%BA', // 店铺
  '%F0%9F%98%80', // an emoji
  '%C0%AF', // not UTF-8
  '%2e%2e',
  '..%2F..%2Fetc',
  'a%2Fb',
  'a%00b',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  'BRAND',
  'wx%20brand',
];

interface Answer {
  status: number;
  text: string;
}

/** A request with `path` exactly as given (no URL normalisation of `..` or `%2e`). */
function raw(baseUrl: string, method: string, path: string, body?: string): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method,
        path,
        headers: { Accept: 'text/html', ...(body !== undefined && { 'Content-Type': 'text/xml' }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `tasks` at most `width` at a time (a modest load on a shared machine). */
async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>) {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, j) => task(start + j));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

describe.each(PLATFORMS)('hostile account keys on %s', (platform: Platform) => {
  let wechat: WeChatEmulators;
  let app: INestApplication;
  let appUrl: string;
  const asked: string[] = [];

  beforeAll(async () => {
    wechat = await WeChatEmulators.start([SHOP, BRAND]);
    const options: WeChatModuleOptions = {
      accounts: [
        { ...SHOP, push: { token: 'shopPushToken1' } },
        { ...BRAND, push: { token: 'brandPushToken2' } },
      ],
      // A database that knows no other account, and matches case-insensitively (as MySQL's
      // default collation does): it answers the brand for its appId in upper case.
      accountSource: {
        find: async (key): Promise<WeChatAccountOptions | undefined> => {
          asked.push(key);
          if (key.toLowerCase() === BRAND.appId)
            return { ...BRAND, push: { token: 'brandPushToken2' } };
          return undefined;
        },
      },
      apiBaseUrl: wechat.url,
      openBaseUrl: wechat.url,
      retry: { attempts: 2, baseDelayMs: 5 },
      token: { prefetch: false },
      oauth: { sessionSecret: SESSION_SECRET },
      push: {},
    };
    ({ app, url: appUrl } = await startApp(platform, {
      imports: [WeChatModule.forRoot(options)],
      controllers: [Pages],
    }));
  });

  afterAll(async () => {
    await app?.close();
    await wechat?.close();
  });

  // What a client may get for a key that names no account: a clear refusal (the router's 400 for
  // a segment that is not UTF-8, Fastify's 414 for a segment past its maxParamLength).
  const REFUSALS = new Set([400, 404, 414]);

  it('refuses pushes and URL verifications for hostile segments with a 4xx', async () => {
    const wrong: unknown[] = [];
    for (const segment of HOSTILE_SEGMENTS) {
      for (const method of ['GET', 'POST']) {
        const answer = await raw(
          appUrl,
          method,
          `/wechat/push/${segment}?signature=x&timestamp=1&nonce=1&echostr=e`,
          method === 'POST' ? '<xml><MsgType>text</MsgType></xml>' : undefined,
        );
        if (!REFUSALS.has(answer.status)) wrong.push({ segment, method, status: answer.status });
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses OAuth states naming hostile accounts with a 400', async () => {
    const random = 'A'.repeat(32);
    const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
    const names = [
      '__proto__',
      'constructor',
      '..',
      '../..',
      'a/b',
      '店铺',
      '\u0000',
      'wx'.padEnd(48, 'f'),
      BRAND.appId.toUpperCase(),
    ];
    const states = [
      ...names.map((name) => random + hex(name)),
      random + 'ff', // not UTF-8
      random + 'f', // an odd number of hex digits
      random + hex('wx'.padEnd(60, 'f')), // past 128 characters
    ];
    const wrong: unknown[] = [];
    for (const state of states) {
      const answer = await raw(appUrl, 'GET', `/wechat/oauth/callback?code=abc&state=${state}`);
      if (answer.status !== 400) wrong.push({ state, status: answer.status });
    }
    expect(wrong).toEqual([]);
  });

  it('refuses a page whose path names a hostile account with a 4xx (never a 500)', async () => {
    const wrong: unknown[] = [];
    for (const segment of HOSTILE_SEGMENTS.filter((s) => s.length < 1000)) {
      const answer = await raw(appUrl, 'GET', `/m/${segment}/me`);
      if (!REFUSALS.has(answer.status)) wrong.push({ segment, status: answer.status });
    }
    expect(wrong).toEqual([]);
  });

  it("does not send a page's users to the default account when its request names no account", async () => {
    const wrong: unknown[] = [];
    for (const query of ['', '?account=', '?account=shop&account=brand', '?account[x]=shop']) {
      const answer = await raw(appUrl, 'GET', `/q/me${query}`);
      if (answer.status !== 400) wrong.push({ query, status: answer.status });
    }
    expect(wrong).toEqual([]);
  });

  it('asks the source once per made-up appId, however often and wherever it is used', async () => {
    const keys = Array.from(
      { length: 250 },
      (_, i) => `wx${platform}${String(i).padStart(10, '0')}`,
    );
    const before = asked.length;
    const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
    for (let round = 0; round < 2; round++) {
      const answers = await inBatches(keys.length, 40, async (i) => {
        const key = keys[i]!;
        const push = await raw(appUrl, 'POST', `/wechat/push/${key}?signature=x`, '<xml/>');
        const verify = await raw(appUrl, 'GET', `/wechat/push/${key}?echostr=1`);
        const callback = await raw(
          appUrl,
          'GET',
          `/wechat/oauth/callback?code=abc&state=${'B'.repeat(32)}${hex(key)}`,
        );
        const page = await raw(appUrl, 'GET', `/m/${key}/me`);
        return [push.status, verify.status, callback.status, page.status];
      });
      expect(new Set(answers.flat())).toEqual(new Set([404, 400]));
    }
    expect(asked.length - before).toBe(keys.length);
    expect(new Set(asked.slice(before))).toEqual(new Set(keys));
  });

  it("asks the source at most once for an existing account's appId in another case", async () => {
    const upper = BRAND.appId.toUpperCase();
    const before = asked.filter((key) => key === upper).length;
    for (let i = 0; i < 20; i++) {
      await raw(appUrl, 'GET', `/wechat/push/${upper}?echostr=1`);
      await raw(appUrl, 'GET', `/m/${upper}/me`);
    }
    expect(asked.filter((key) => key === upper).length - before).toBeLessThanOrEqual(1);
  });
});

describe("the source's negative cache against a flood of made-up appIds", () => {
  it('stays bounded, and a flood past its bound does not wipe what it remembers', async () => {
    const asked = new Map<string, number>();
    const moduleRef = await Test.createTestingModule({
      imports: [
        WeChatModule.forRoot({
          accounts: [SHOP],
          accountSource: {
            find: async (key) => {
              asked.set(key, (asked.get(key) ?? 0) + 1);
              return undefined;
            },
          },
          token: { prefetch: false },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const accounts = app.get(WeChatAccounts);
      const key = (i: number) => `wxflood${String(i).padStart(8, '0')}`;
      const notFound = async (i: number) => {
        await expect(accounts.get(key(i))).rejects.toBeInstanceOf(WeChatAccountNotFoundError);
      };
      for (let i = 0; i < 10_000; i++) await notFound(i);
      // Memory: the cache holds at most 10,000 keys, and no lookup is left behind.
      const internals = (
        accounts as unknown as {
          lookups: { misses: Map<string, unknown>; inFlight: Map<string, unknown> };
        }
      ).lookups;
      expect(internals.misses.size).toBeLessThanOrEqual(10_000);
      expect(internals.inFlight.size).toBe(0);

      // One more key than the cache holds: the most recent keys are still remembered, so a
      // client cycling through 10,001 made-up appIds does not cost a query per request.
      await notFound(10_000);
      expect(internals.misses.size).toBeLessThanOrEqual(10_000);
      for (let i = 9_000; i < 9_100; i++) await notFound(i);
      const askedAgain = [...asked.values()].filter((count) => count > 1).length;
      expect(askedAgain).toBe(0);
    } finally {
      await app.close();
    }
  });
});
