import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import { JsSdkService, signJsSdk, TokenService, WeChatArgumentError } from '../../src/index.js';
import { TestClock, type WeChatEmulator } from '../../src/testing/index.js';
import {
  APP_ID,
  createWeChatTestingModule,
  startEmulator,
  waitFor,
} from '../support/wechat-test-app.js';

const TICKET = '/cgi-bin/ticket/getticket';

describe('JsSdkService against the emulator', () => {
  let emulator: WeChatEmulator;
  let moduleRef: TestingModule;
  let jsSdk: JsSdkService;
  let clock: TestClock;

  beforeEach(async () => {
    // Frozen: on a flowing clock, a refresh asked at the ticket's last millisecond can reach the
    // emulator a moment before its expiry under load, get the old ticket once more (as WeChat
    // would) and retry a second later: correct, but one fetch more than the count below.
    clock = new TestClock(undefined, { frozen: true });
    emulator = await startEmulator({ clock });
    moduleRef = await createWeChatTestingModule(emulator, { clock });
    jsSdk = moduleRef.get(JsSdkService);
  });

  afterEach(async () => {
    await moduleRef.close();
    await emulator.close();
  });

  it('fetches the ticket once for many concurrent callers and caches it', async () => {
    const tickets = await Promise.all(Array.from({ length: 200 }, () => jsSdk.getTicket()));
    expect(new Set(tickets).size).toBe(1);
    await jsSdk.getTicket();
    expect(emulator.callCount(TICKET)).toBe(1);
  });

  // WeChat answers the same ticket, with expires_in 7200, until it expires (see the emulator's
  // ticket route): a refresh ahead of expiry cannot renew it, and must not make it look renewed.
  it('tries to refresh the ticket ahead of expiry, serves it to its end, and renews it then', async () => {
    const first = await jsSdk.getTicket();
    // Past the refresh point (300 s ahead of the 7200 s lifetime), short of expiry.
    await clock.advance(7_000_000);
    await waitFor('the scheduled ticket refresh', () => emulator.callCount(TICKET) === 2);
    expect(await jsSdk.getTicket()).toBe(first);

    await clock.advance(201_000);
    await waitFor('the ticket renewed at its expiry', () => emulator.callCount(TICKET) === 3);
    await waitFor('the new ticket', async () => (await jsSdk.getTicket()) !== first);
    await clock.advance(60_000);
    expect(await jsSdk.getTicket()).not.toBe(first);
    expect(emulator.callCount(TICKET)).toBe(3);
  });

  it('signs a page URL so that the signature checks out with the ticket', async () => {
    const url = 'https://app.example.com/pay?order=42&from=menu#section';
    await clock.advance(86_400_000);
    const before = Math.floor(clock.now() / 1000);
    const config = await jsSdk.sign(url);
    const after = Math.floor(clock.now() / 1000);
    expect(config).toEqual({
      appId: APP_ID,
      timestamp: expect.any(Number),
      nonceStr: expect.stringMatching(/^[A-Za-z0-9]{16}$/),
      signature: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    // The module's clock, a day ahead of real time here, stamps the signature.
    expect(config.timestamp).toBeGreaterThanOrEqual(before);
    expect(config.timestamp).toBeLessThanOrEqual(after);
    const expected = signJsSdk({
      ticket: await jsSdk.getTicket(),
      nonceStr: config.nonceStr,
      timestamp: config.timestamp,
      url: 'https://app.example.com/pay?order=42&from=menu',
    });
    expect(config.signature).toBe(expected);
  });

  it.each(['', '/relative/path', 'javascript:alert(1)', 'not a url'])(
    'refuses to sign %j with a clear error',
    async (url) => {
      const refusal = await jsSdk.sign(url).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(WeChatArgumentError);
      expect(refusal).toMatchObject({ argument: 'url', message: /absolute http\(s\) URL/ });
      expect(emulator.callCount(TICKET)).toBe(0);
    },
  );

  it('gets the ticket with a repaired token when the token went stale', async () => {
    const tokens = moduleRef.get(TokenService);
    await tokens.getAccessToken();
    emulator.revokeAllTokens();
    await expect(jsSdk.getTicket()).resolves.toEqual(expect.any(String));
    expect(emulator.callCount('/cgi-bin/token')).toBe(2);
  });
});
