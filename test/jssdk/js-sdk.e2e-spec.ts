import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import { JsSdkService, signJsSdk, TokenService, WeChatArgumentError } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
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

  beforeEach(async () => {
    emulator = await startEmulator({ tokenTtlSeconds: 2 });
    moduleRef = await createWeChatTestingModule(emulator, { token: { refreshAheadSeconds: 1 } });
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

  it('refreshes the ticket ahead of expiry like the token', async () => {
    const first = await jsSdk.getTicket();
    await waitFor('the scheduled ticket refresh', () => emulator.callCount(TICKET) === 2, 5000);
    await waitFor('the new ticket', async () => (await jsSdk.getTicket()) !== first);
  });

  it('signs a page URL so that the signature checks out with the ticket', async () => {
    const url = 'https://app.example.com/pay?order=42&from=menu#section';
    const config = await jsSdk.sign(url);
    expect(config).toEqual({
      appId: APP_ID,
      timestamp: expect.any(Number),
      nonceStr: expect.stringMatching(/^[A-Za-z0-9]{16}$/),
      signature: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(Math.abs(config.timestamp - Date.now() / 1000)).toBeLessThan(5);
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
