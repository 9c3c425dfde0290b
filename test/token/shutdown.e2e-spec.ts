import { afterEach, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import { TokenService, UserClient, WeChatTransportError } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { createWeChatTestingModule, startEmulator, waitFor } from '../support/wechat-test-app.js';

const TOKEN = '/cgi-bin/token';
const USER_INFO = '/cgi-bin/user/info';

describe('app.close() with calls to WeChat in flight', () => {
  let emulator: WeChatEmulator;
  let moduleRef: TestingModule | undefined;

  afterEach(async () => {
    await moduleRef?.close();
    await emulator.close();
  });

  it('lets a call finish within the shutdown grace', async () => {
    emulator = await startEmulator();
    emulator.addUser({ openid: 'o_closing_01', nickname: 'Closing' });
    moduleRef = await createWeChatTestingModule(emulator, { shutdownGraceMs: 10_000 });
    const users = moduleRef.get(UserClient);
    await moduleRef.get(TokenService).getAccessToken();
    emulator.injectFault(USER_INFO, { delayMs: 300 });
    const info = users.getInfo('o_closing_01');
    await waitFor('the call at WeChat', () => emulator.callCount(USER_INFO) === 1);

    await moduleRef.close();
    moduleRef = undefined;
    await expect(info).resolves.toMatchObject({ openid: 'o_closing_01' });
    expect(emulator.callCount(USER_INFO)).toBe(1);
  });

  it('cuts a call that outlasts the grace, and retries nothing after it', async () => {
    emulator = await startEmulator();
    moduleRef = await createWeChatTestingModule(emulator, {
      shutdownGraceMs: 100,
      httpTimeoutMs: 10_000,
      retry: { attempts: 4, baseDelayMs: 5 },
    });
    // WeChat answers none of the token requests while the test runs, however slowly it runs.
    emulator.injectFault(TOKEN, { delayMs: 60_000, times: 10 });
    const token = moduleRef.get(TokenService).getAccessToken();
    await waitFor('the token request at WeChat', () => emulator.callCount(TOKEN) === 1);

    await moduleRef.close();
    moduleRef = undefined;
    const error = await token.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect(error).toMatchObject({ code: 'ERR_SHUT_DOWN' });
    expect(emulator.callCount(TOKEN)).toBe(1);
  });

  it('refuses calls once closed, with an error that says so', async () => {
    emulator = await startEmulator();
    const closed = await createWeChatTestingModule(emulator);
    const users = closed.get(UserClient);
    await closed.close();
    await expect(users.getInfo('o_closing_01')).rejects.toThrow(
      'WeChat /cgi-bin/token failed: the WeChat module has shut down',
    );
    expect(emulator.callCount(TOKEN)).toBe(0);
  });
});
