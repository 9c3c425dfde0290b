import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { signInAs, type WeChatEmulator } from '../../src/testing/index.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { OAuthTestAppModule } from './app.module.js';
import { createApp, PLATFORMS } from './platforms.js';

const SESSION_SECRET = 'sign-in-as-session-secret-0123456789abcdef';

describe.each(PLATFORMS)('signInAs on %s', (platform) => {
  let emulator: WeChatEmulator;
  let app: INestApplication;

  beforeEach(async () => {
    emulator = await startEmulator();
    emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice' });
    emulator.addUser({ openid: 'o_bob_00002', nickname: 'Bob' });
    app = await createApp(
      platform,
      OAuthTestAppModule.register(
        emulatorOptions(emulator, { oauth: { sessionSecret: SESSION_SECRET } }),
      ),
    );
  });

  afterEach(async () => {
    await app.close();
    await emulator.close();
  });

  it('signs in as a user; the cookie works with supertest and with fetch', async () => {
    // The default host: Express listens on ::, Fastify on localhost.
    await app.listen(0);
    const alice = await signInAs(app, emulator, 'o_alice_0001', { path: '/me' });
    expect(alice.cookies).toHaveProperty('wechat_session');
    expect(alice.cookie).toContain(`wechat_session=${alice.cookies.wechat_session}`);

    const viaSupertest = await request(app.getHttpServer()).get('/me').set('Cookie', alice.cookie);
    expect(viaSupertest.status).toBe(200);
    expect(viaSupertest.body).toEqual({ openid: 'o_alice_0001', scope: 'snsapi_base' });

    const viaFetch = await alice.fetch('/me');
    expect(await viaFetch.json()).toEqual({ openid: 'o_alice_0001', scope: 'snsapi_base' });
  });

  it('switches users, and takes a base URL as well as the app', async () => {
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;
    const alice = await signInAs(baseUrl, emulator, 'o_alice_0001', { path: '/me' });
    const bob = await signInAs(baseUrl, emulator, 'o_bob_00002', { path: '/me' });
    expect(await (await alice.fetch('/me')).json()).toMatchObject({ openid: 'o_alice_0001' });
    expect(await (await bob.fetch('/me')).json()).toMatchObject({ openid: 'o_bob_00002' });
  });

  it('allows the consent page of a snsapi_userinfo route: the session carries the profile', async () => {
    await app.listen(0, '127.0.0.1');
    const bob = await signInAs(app, emulator, 'o_bob_00002', { path: '/profile' });
    const profile = await (await bob.fetch('/profile')).json();
    expect(profile).toMatchObject({
      openid: 'o_bob_00002',
      scope: 'snsapi_userinfo',
      userInfo: { nickname: 'Bob' },
    });
  });

  it("signs in to an app behind a public URL, its host on the emulator's oauthDomains", async () => {
    await app.close();
    emulator.setOAuthDomains(['app.example.com']);
    app = await createApp(
      platform,
      OAuthTestAppModule.register(
        emulatorOptions(emulator, {
          oauth: { sessionSecret: SESSION_SECRET, publicUrl: 'https://app.example.com' },
        }),
      ),
    );
    await app.listen(0, '127.0.0.1');
    const alice = await signInAs(app, emulator, 'o_alice_0001', { path: '/me' });
    expect(await (await alice.fetch('/me')).json()).toMatchObject({ openid: 'o_alice_0001' });
  });

  it('says what is wrong: a route without @WeChatAuth(), an unknown user, an app not listening', async () => {
    await expect(signInAs(app, emulator, 'o_alice_0001', { path: '/me' })).rejects.toThrow(
      /not listening/,
    );
    await app.listen(0, '127.0.0.1');
    await expect(signInAs(app, emulator, 'o_alice_0001', { path: '/public' })).rejects.toThrow(
      /GET \/public answered 200.*@WeChatAuth\(\)/,
    );
    await expect(signInAs(app, emulator, 'o_nobody', { path: '/me' })).rejects.toThrow(/o_nobody/);
  });
});
