import { afterEach, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import { MemoryCredentialStore, TokenService, WeChatApiClient } from '../../src/index.js';
import { TestClock, type WeChatEmulator } from '../../src/testing/index.js';
import { RefreshScheduler } from '../../src/token/refresh-scheduler.js';
import { APP_ID, createWeChatTestingModule, startEmulator } from '../support/wechat-test-app.js';

const TOKEN = '/cgi-bin/token';
const KEY = `{${APP_ID}}:access_token`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Issue 12, point 8: a stored credential whose times are impossible (a bug, a skewed clock, a
// hand in Redis) would win every "newer" comparison for ever; and an expires_in beyond WeChat's
// 7200 s would set timers past setTimeout's limit.
describe('credentials whose times are impossible', () => {
  let emulator: WeChatEmulator;
  let moduleRef: TestingModule;

  afterEach(async () => {
    await moduleRef?.close();
    await emulator?.close();
  });

  async function setUp(poisoned?: { fetchedAt: number; expiresAt: number }) {
    const clock = new TestClock(Date.UTC(2026, 4, 1, 4), { frozen: true });
    const store = new MemoryCredentialStore(clock);
    if (poisoned) await store.set(KEY, { value: 'POISONED-TOKEN', ...poisoned });
    emulator = await startEmulator({ clock });
    moduleRef = await createWeChatTestingModule(emulator, { clock, store });
    return { clock, store, tokens: moduleRef.get(TokenService) };
  }

  it.each([
    [
      'fetched a year in the future',
      (now: number) => ({ fetchedAt: now + 365 * DAY, expiresAt: now + 365 * DAY + 2 * HOUR }),
    ],
    ['living 30 days', (now: number) => ({ fetchedAt: now - HOUR, expiresAt: now + 30 * DAY })],
    ['expiring before it was fetched', (now: number) => ({ fetchedAt: now, expiresAt: now - 1 })],
  ])('a stored token %s is discarded and a real one fetched', async (_label, times) => {
    const now = Date.UTC(2026, 4, 1, 4);
    const { store, tokens } = await setUp(times(now));

    const token = await tokens.getAccessToken();
    expect(token).not.toBe('POISONED-TOKEN');
    expect(emulator.callCount(TOKEN)).toBe(1);
    await expect(store.get(KEY)).resolves.toMatchObject({ value: token });
    // A forced refresh gets a new token rather than the poisoned entry.
    const forced = await tokens.refresh({ force: true });
    expect(forced).not.toBe('POISONED-TOKEN');
    expect(emulator.callCount(TOKEN)).toBe(2);
    await expect(
      moduleRef.get(WeChatApiClient).get('/cgi-bin/get_api_domain_ip'),
    ).resolves.toHaveProperty('ip_list');
  });

  it('a token 5 minutes ahead of this clock (another instance) is kept: clocks drift', async () => {
    const now = Date.UTC(2026, 4, 1, 4);
    const { tokens } = await setUp({ fetchedAt: now + 60_000, expiresAt: now + 60_000 + 2 * HOUR });
    await expect(tokens.getAccessToken()).resolves.toBe('POISONED-TOKEN');
    expect(emulator.callCount(TOKEN)).toBe(0);
  });

  it('holds a token WeChat says lives 100 years for 7200 s, and refreshes it on time', async () => {
    const clock = new TestClock(Date.UTC(2026, 4, 1, 4), { frozen: true });
    emulator = await startEmulator({ clock, tokenTtlSeconds: 100 * 365 * 86_400 });
    moduleRef = await createWeChatTestingModule(emulator, {
      clock,
      token: { refreshAheadSeconds: 300 },
    });
    const tokens = moduleRef.get(TokenService);
    const first = await tokens.getAccessToken();
    const { fetchedAt, expiresAt } = tokens.status();
    expect(expiresAt!.getTime() - fetchedAt!.getTime()).toBe(7_200_000);
    expect(moduleRef.get(RefreshScheduler).names()).toHaveLength(1);

    await clock.advance(7_200_000 - 300_000);
    await expect(tokens.refresh()).resolves.not.toBe(first);
    expect(emulator.callCount(TOKEN)).toBe(2);
  });
});
