// Run with `node dist/smoke.js`: the built app (compiled as the app compiles, loaded as Node loads
// it) signs a user in against the emulator and answers a pushed message, outside any test runner.
import { TokenService } from 'nestjs-wechat';
import { signInAs, WeChatEmulator } from 'nestjs-wechat/testing';
import { serve } from './serve.js';

async function smoke(): Promise<void> {
  const emulator = await WeChatEmulator.start({
    appId: 'wx1234567890abcdef',
    appSecret: 'smoke-secret-0123456789',
  });
  emulator.addUser({ openid: 'o_smoke_user', nickname: 'Smoke' });
  Object.assign(process.env, {
    WECHAT_APP_ID: emulator.appId,
    WECHAT_APP_SECRET: 'smoke-secret-0123456789',
    WECHAT_EMULATOR_URL: emulator.url,
    WECHAT_SESSION_SECRET: 'a-session-secret-of-at-least-32-bytes!!',
    WECHAT_PUSH_TOKEN: 'smokePushToken',
  });
  const app = await serve(0);
  try {
    const baseUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;
    const token = await app.get(TokenService).getAccessToken();
    if (!token || emulator.callCount('/cgi-bin/token') !== 1)
      throw new Error('no token from the emulator');
    const { cookie } = await signInAs(baseUrl, emulator, 'o_smoke_user', { path: '/me' });
    const me = (await (await fetch(`${baseUrl}/me`, { headers: { cookie } })).json()) as {
      openid?: string;
    };
    if (me.openid !== 'o_smoke_user') throw new Error(`/me answered ${JSON.stringify(me)}`);
    await emulator.configurePush({
      url: `${baseUrl}/wechat/push`,
      token: 'smokePushToken',
      mode: 'plain',
    });
    const outcome = await emulator.push(emulator.compose.text('o_smoke_user', 'hi'));
    if (outcome.shown !== 'reply' || outcome.reply.Content !== 'You said: hi') {
      throw new Error(`the push got ${JSON.stringify(outcome)}`);
    }
    console.log('consumer smoke: ok');
  } finally {
    await app.close();
    await emulator.close();
  }
}

smoke().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
