import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { PLATFORMS, startOAuthApp } from './platforms.js';
import { TestBrowser } from './test-browser.js';

const REQUESTS = 1000;
const CONCURRENCY = 25;
const CALLBACK = '/wechat/oauth/callback';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)];
const chars = (alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
const printable = (length: number) =>
  chars(Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join(''), length);

/** A hostile value: well-formed but unknown, malformed, huge, encoded, unicode, or injected. */
function hostile(): string {
  return pick([
    () => chars(ALNUM, 32),
    () => chars(ALNUM, randomInt(1, 129)),
    () => chars(ALNUM, randomInt(129, 3000)),
    () => printable(randomInt(0, 200)),
    () => randomBytes(randomInt(1, 64)).toString('base64'),
    () => '💥'.repeat(randomInt(1, 40)),
    () => `../../${printable(10)}`,
    () => `%00%0d%0a${chars(ALNUM, 8)}`,
    () => "' OR 1=1 --",
    () => '<script>alert(1)</script>',
    () => '',
  ])();
}

function hostileCookie(pendingCookie: string): string {
  const session = pick([
    () => `v1.${randomBytes(40).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
    () =>
      `v1.${Buffer.from(JSON.stringify({ user: { openid: 'o_mallory', scope: 'snsapi_userinfo' }, exp: 9e9 })).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
    () => printable(randomInt(0, 300)).replace(/;/g, ''),
  ])();
  const forgedPending = () => {
    const [, payload] = pendingCookie.split('.');
    const entries = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { state: string }[];
    // The real entries with a state of the attacker's: the signature no longer matches.
    const forged = entries.map((entry) => ({ ...entry, state: chars(ALNUM, 32) }));
    return `p1.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${pendingCookie.split('.')[2]}`;
  };
  const binding = pick([
    () => pendingCookie,
    forgedPending,
    () => `p1.${randomBytes(60).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
    () => chars(ALNUM, 32),
    () => printable(20).replace(/;/g, ''),
  ])();
  return pick([
    '',
    `wechat_session=${session}`,
    `wechat_session_oauth=${binding}`,
    `wechat_session=${session}; wechat_session_oauth=${binding}`,
    printable(randomInt(1, 500)),
  ]);
}

describe.each(PLATFORMS)('randomized hostile callbacks on %s', (platform) => {
  let emulator: WeChatEmulator;
  let app: INestApplication;
  let appUrl: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    const started = await startOAuthApp(
      platform,
      emulatorOptions(emulator, {
        oauth: { sessionSecret: 'fuzz-session-secret-0123456789abcdefghij' },
      }),
    );
    app = started.app;
    appUrl = started.url;
  });

  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  it(`${REQUESTS} requests: zero 5xx, zero sessions, zero WeChat calls for invalid state`, async () => {
    // A real browser binding, so that some requests carry a genuine cookie with a forged state.
    const real = new TestBrowser();
    await real.get(`${appUrl}/me`);
    const pendingCookie = real.cookie(new URL(appUrl).host, 'wechat_session_oauth')!;
    expect(pendingCookie).toMatch(/^p1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let sessions = 0;
    let sent = 0;
    const worker = async () => {
      while (sent < REQUESTS) {
        sent += 1;
        const params = new URLSearchParams();
        for (const name of ['code', 'state']) {
          const count = pick([0, 1, 1, 1, 2]);
          for (let i = 0; i < count; i++) params.append(name, hostile());
        }
        if (randomInt(10) === 0) params.append(hostile() || 'x', hostile());
        const cookie = hostileCookie(pendingCookie);
        const res = await fetch(`${appUrl}${CALLBACK}?${params}`, {
          redirect: 'manual',
          headers: {
            Accept: pick(['text/html', 'application/json', '*/*']),
            ...(cookie ? { Cookie: cookie } : {}),
          },
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) failures.push(`${res.status} for ?${params} with ${cookie}`);
        if (res.headers.getSetCookie().some((c) => c.startsWith('wechat_session='))) sessions += 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(failures).toEqual([]);
    expect(sessions).toBe(0);
    expect(emulator.callCount('/sns/oauth2/access_token')).toBe(0);
    expect([...statuses.keys()].every((status) => status >= 400 && status < 500)).toBe(true);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(REQUESTS);
  });
});
