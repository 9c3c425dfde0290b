import { type INestApplication } from '@nestjs/common';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { APP_SECRET, emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { AES_KEY, type HandlerLog, PLATFORMS, PUSH_TOKEN, startPushApp } from './push-test-app.js';

const USER = 'o_slow_user_000000000001';

// Issue 11: a try is answered within its margin or released (its connection closed) so that
// WeChat tries again; the try during which the reply is ready answers with it. The emulator's
// tries are shortened here (tryTimeoutMs), the endpoint's margin with them.
describe.each(PLATFORMS)('a handler slower than one try, on %s', (platform) => {
  let emulator: WeChatEmulator;
  let app: INestApplication;
  let log: HandlerLog;

  beforeAll(async () => {
    emulator = await startEmulator();
    emulator.addUser({ openid: USER, subscribed: true });
    const options = {
      ...emulatorOptions(emulator),
      appSecret: APP_SECRET,
      push: { token: PUSH_TOKEN, encodingAESKey: AES_KEY, replyMarginMs: 400 },
    };
    const started = await startPushApp(platform, options);
    ({ app, log } = started);
    await emulator.configurePush({
      url: `${started.url}/wechat/push`,
      token: PUSH_TOKEN,
      encodingAESKey: AES_KEY,
      mode: 'safe',
      tryTimeoutMs: 3000,
    });
  });
  afterAll(async () => {
    await app?.close();
    await emulator?.close();
  });

  it('releases the first try and answers the retry that comes while it runs', async () => {
    log.textDelayMs = 700;
    try {
      const outcome = await emulator.push(emulator.compose.text(USER, 'slow one'));
      expect(outcome).toMatchObject({ shown: 'reply', reply: { Content: 'echo: slow one' } });
      // The first try was cut (the endpoint closed it), then a retry got the reply.
      expect(outcome.tries).toBeGreaterThanOrEqual(2);
      expect(outcome.answers[0]).toMatchObject({ failure: 'connection' });
      expect(log.calls.filter((c) => c.handler === 'echo')).toHaveLength(1);
    } finally {
      log.textDelayMs = 0;
    }
  });

  it('answers a fast handler on the first try', async () => {
    const outcome = await emulator.push(emulator.compose.text(USER, 'quick'));
    expect(outcome).toMatchObject({ shown: 'reply', tries: 1, reply: { Content: 'echo: quick' } });
  });
});
