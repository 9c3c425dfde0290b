import { afterEach, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import { MemoryCredentialStore, TokenService } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { createWeChatTestingModule, startEmulator, waitFor } from '../support/wechat-test-app.js';

const TOKEN = '/cgi-bin/token';

describe('a drip-fed token answer and the fetch lease', () => {
  let emulator: WeChatEmulator;
  const modules: TestingModule[] = [];

  afterEach(async () => {
    await Promise.all(modules.splice(0).map((m) => m.close()));
    await emulator?.close();
  });

  it('never outlives the lease: two instances on one store fetch once', async () => {
    emulator = await startEmulator();
    const store = new MemoryCredentialStore();
    // Lease: 2 attempts x 1 host x 1000 ms + backoff + 1000 ms margin, about 3 s.
    const options = { store, httpTimeoutMs: 1000, retry: { attempts: 2, baseDelayMs: 5 } };
    for (let i = 0; i < 2; i++) modules.push(await createWeChatTestingModule(emulator, options));
    const [first, second] = modules.map((m) => m.get(TokenService));

    // A byte every 50 ms: the answer (over 100 bytes) would take more than 5 s, past the lease.
    emulator.injectFault(TOKEN, { dripMs: 50 });
    const firstToken = first.getAccessToken();
    await waitFor('the first fetch to reach WeChat', () => emulator.callCount(TOKEN) === 1);
    const secondToken = second.getAccessToken();

    const tokens = await Promise.all([firstToken, secondToken]);
    expect(tokens[1]).toBe(tokens[0]);
    // The drip would indeed have outlasted the lease (twice over).
    const answerBytes = JSON.stringify({ access_token: tokens[0], expires_in: 7200 }).length;
    expect(answerBytes * 50).toBeGreaterThan(2 * 3006);
    // The first instance gave up the drip-fed answer at its deadline and asked again, within its
    // lease; the second waited for it instead of fetching too.
    expect(first.status().fetches).toBe(1);
    expect(second.status()).toMatchObject({ fetches: 0, lockWaits: 1 });
    expect(emulator.callCount(TOKEN)).toBe(2);
  });
});
