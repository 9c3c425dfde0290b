import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import { AccountClient, WeChatTransportError } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { SwitchableProxy } from '../support/switchable-proxy.js';
import {
  APP_SECRET,
  createWeChatTestingModule,
  sleep,
  startEmulator,
} from '../support/wechat-test-app.js';

describe('disaster-recovery hosts (fallbackApiBaseUrls)', () => {
  let emulator: WeChatEmulator;
  let primary: SwitchableProxy;
  let moduleRef: TestingModule;
  let account: AccountClient;

  beforeEach(async () => {
    emulator = await startEmulator();
    primary = await SwitchableProxy.start(emulator.url);
    moduleRef = await createWeChatTestingModule(emulator, {
      apiBaseUrl: primary.url,
      fallbackApiBaseUrls: [emulator.url],
      httpTimeoutMs: 300,
      retry: { attempts: 1, baseDelayMs: 1 },
    });
    account = moduleRef.get(AccountClient);
  });

  afterEach(async () => {
    await moduleRef.close();
    await primary.close();
    await emulator.close();
  });

  it('uses the primary host while it answers', async () => {
    await account.getApiDomainIps();
    expect(primary.connections).toBeGreaterThan(0);
  });

  it.each(['hang', 'reset'] as const)(
    'moves to the next host when the primary stops answering (%s), and stays there for a while',
    async (mode) => {
      await account.getApiDomainIps();
      primary.switchTo(mode);
      await sleep(50); // let the pooled connection's close reach the client
      const before = primary.connections;
      await expect(account.getApiDomainIps()).resolves.toEqual(expect.any(Array));
      const afterFirst = primary.connections;
      expect(afterFirst).toBeGreaterThan(before);
      for (let i = 0; i < 5; i++) await account.getApiDomainIps();
      // The dead primary is skipped: no call waits for it again.
      expect(primary.connections).toBe(afterFirst);
    },
  );

  it('fetches the token through the fallback too', async () => {
    primary.switchTo('hang');
    await expect(account.getCallbackIps()).resolves.toEqual(expect.any(Array));
    expect(emulator.callCount('/cgi-bin/token')).toBe(1);
  });

  it('fails with a transport error naming no secret when every host is dark', async () => {
    primary.switchTo('reset');
    await emulator.close();
    const error = await account.getApiDomainIps().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect((error as Error).message).toMatch(/no answer from 127\.0\.0\.1/);
    expect((error as Error).message).not.toContain(APP_SECRET);
  });
});
