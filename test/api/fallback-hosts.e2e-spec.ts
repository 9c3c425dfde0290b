import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import { AccountClient, WeChatTransportError } from '../../src/index.js';
import { TestClock, type WeChatEmulator } from '../../src/testing/index.js';
import { SwitchableProxy } from '../support/switchable-proxy.js';
import {
  APP_SECRET,
  createWeChatTestingModule,
  startEmulator,
  waitFor,
} from '../support/wechat-test-app.js';

describe('disaster-recovery hosts (fallbackApiBaseUrls)', () => {
  let clock: TestClock;
  let emulator: WeChatEmulator;
  let primary: SwitchableProxy;
  let moduleRef: TestingModule;
  let account: AccountClient;
  // The client ends of the test's TCP connections (the module's, and the proxy's to the emulator).
  const clientSockets: Socket[] = [];
  const onClientSocket = (message: unknown) =>
    clientSockets.push((message as { socket: Socket }).socket);

  beforeEach(async () => {
    subscribe('net.client.socket', onClientSocket);
    clock = new TestClock();
    emulator = await startEmulator({ clock });
    primary = await SwitchableProxy.start(emulator.url);
    moduleRef = await createWeChatTestingModule(emulator, {
      clock,
      apiBaseUrl: primary.url,
      fallbackApiBaseUrls: [emulator.url],
      // Long enough that no answer of a busy machine is taken for a host gone dark.
      httpTimeoutMs: 1000,
      retry: { attempts: 1, baseDelayMs: 1 },
    });
    account = moduleRef.get(AccountClient);
  });

  afterEach(async () => {
    await moduleRef.close();
    await primary.close();
    await emulator.close();
    unsubscribe('net.client.socket', onClientSocket);
    clientSockets.length = 0;
  });

  it('uses the primary host while it answers', async () => {
    await account.getApiDomainIps();
    expect(primary.connections).toBeGreaterThan(0);
  });

  it.each(['hang', 'reset'] as const)(
    'moves to the next host when the primary stops answering (%s), and stays there for 30 s',
    async (mode) => {
      await account.getApiDomainIps();
      primary.switchTo(mode);
      // Else the next call may pick the pooled connection before learning that it was dropped.
      await waitFor('the dropped connections to close at the client', () =>
        clientSockets.every((socket) => socket.destroyed),
      );
      const before = primary.connections;
      await expect(account.getApiDomainIps()).resolves.toEqual(expect.any(Array));
      const afterFirst = primary.connections;
      expect(afterFirst).toBeGreaterThan(before);
      for (let i = 0; i < 5; i++) await account.getApiDomainIps();
      // The dead primary is skipped: no call waits for it again.
      expect(primary.connections).toBe(afterFirst);

      // Back, it is still skipped within the 30 s (20 s on, leaving 10 s for real time to pass)…
      primary.switchTo('forward');
      await clock.advance(20_000);
      await account.getApiDomainIps();
      expect(primary.connections).toBe(afterFirst);
      // …and used again once they are over.
      await clock.advance(10_000);
      await account.getApiDomainIps();
      expect(primary.connections).toBeGreaterThan(afterFirst);
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
