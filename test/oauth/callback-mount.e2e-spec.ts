import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { WeChatModule } from '../../src/index.js';
import { signInAs, type WeChatEmulator } from '../../src/testing/index.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { createApp, PLATFORMS } from './platforms.js';
import { twoModulesApp } from './two-modules.module.js';

const SECRET = 'callback-mount-session-secret-0123456789ab';
const DEFAULT_CALLBACK = '/wechat/oauth/callback';
// What Express and Fastify answer for a path no route serves.
const NEST_NOT_FOUND =
  /^(Cannot GET \/wechat\/oauth\/callback|Route GET:\/wechat\/oauth\/callback.* not found)/;

describe.each(PLATFORMS)('where the OAuth callback is mounted, on %s', (platform) => {
  let emulator: WeChatEmulator;
  let app: INestApplication;
  let baseUrl: string;

  beforeEach(async () => {
    emulator = await startEmulator();
    emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice' });
    emulator.addUser({ openid: 'o_bob_00002', nickname: 'Bob' });
  });

  afterEach(async () => {
    await app?.close();
    await emulator.close();
  });

  async function start(module: DynamicModule): Promise<void> {
    app = await createApp(platform, module);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://localhost:${app.getHttpServer().address().port}`;
  }

  async function get(path: string, accept = 'text/html') {
    const res = await fetch(`${baseUrl}${path}`, {
      headers: { Accept: accept },
      redirect: 'manual',
    });
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location'), text };
  }

  const messageOf = (text: string) => (JSON.parse(text) as { message: string }).message;

  it.each([
    ['forRoot without oauth', () => WeChatModule.forRoot(emulatorOptions(emulator))],
    [
      'forRootAsync without oauth',
      () => WeChatModule.forRootAsync({ useFactory: () => emulatorOptions(emulator) }),
    ],
  ])('%s: no callback route at all', async (_label, wechatModule) => {
    await start({ module: class NoOAuthApp {}, imports: [wechatModule()] });
    const res = await get(`${DEFAULT_CALLBACK}?code=a&state=b`, 'application/json');
    expect(res.status).toBe(404);
    expect(messageOf(res.text)).toMatch(NEST_NOT_FOUND);
  });

  it('one forRoot module imported by two feature modules serves one callback', async () => {
    const wechat = WeChatModule.forRoot(
      emulatorOptions(emulator, { oauth: { sessionSecret: SECRET } }),
    );
    @Module({ imports: [wechat] })
    class FeatureA {}
    @Module({ imports: [wechat] })
    class FeatureB {}
    await start({ module: class App {}, imports: [FeatureA, FeatureB] });
    // The route answers (its own 400 for a callback this browser did not start).
    expect((await get(`${DEFAULT_CALLBACK}?code=a&state=b`)).status).toBe(400);
  });

  it('two modules in one app: each serves its own callback path and signs in to its own routes', async () => {
    await start(
      twoModulesApp(
        emulatorOptions(emulator, {
          oauth: {
            sessionSecret: SECRET,
            callbackPath: '/shop/callback',
            cookie: { name: 'shop' },
          },
        }),
        emulatorOptions(emulator, {
          oauth: {
            sessionSecret: SECRET,
            callbackPath: '/club/callback',
            cookie: { name: 'club' },
          },
        }),
      ),
    );
    for (const [area, callback] of [
      ['shop', '/shop/callback'],
      ['club', '/club/callback'],
    ]) {
      const page = await get(`/${area}/me`);
      expect(page.status).toBe(302);
      const redirectUri = new URL(page.location!).searchParams.get('redirect_uri');
      expect(redirectUri).toBe(`${baseUrl}${callback}`);
      // The route exists (its own 400, not a 404) for a callback this browser did not start.
      expect((await get(`${callback}?code=a&state=b`)).status).toBe(400);
    }
    expect((await get(DEFAULT_CALLBACK)).status).toBe(404);

    const alice = await signInAs(baseUrl, emulator, 'o_alice_0001', { path: '/shop/me' });
    const bob = await signInAs(baseUrl, emulator, 'o_bob_00002', { path: '/club/me' });
    expect(await (await alice.fetch('/shop/me')).json()).toEqual({ shop: 'o_alice_0001' });
    expect(await (await bob.fetch('/club/me')).json()).toEqual({ club: 'o_bob_00002' });
    // Each module's session is its own: the shop's does not open the club.
    expect(
      (await alice.fetch('/club/me', { headers: { Accept: 'text/html' }, redirect: 'manual' }))
        .status,
    ).toBe(302);
  });
});
