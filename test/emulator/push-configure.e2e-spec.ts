import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { pushSignature } from '../../src/push/push-signature.js';
import { WeChatEmulator } from '../../src/testing/index.js';
import { PushReceiver, startSilentServer } from '../support/push-receiver.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const TOKEN = 'pushToken2024';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

// The console's server configuration (wechat-push.md sections 1 and 2).
describe('WeChatEmulator.configurePush', () => {
  let emulator: WeChatEmulator;
  let receiver: PushReceiver;

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    receiver = await PushReceiver.start({ token: TOKEN, appId: APP_ID, encodingAESKey: KEY });
    emulator.addUser({ openid: 'o_alice_0001' });
  });
  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  it('verifies the URL with a signed GET and accepts the echostr back', async () => {
    // The timestamp is the emulator's clock in seconds, read between these two moments (a
    // flowing clock may cross a second boundary meanwhile: a stress run saw it).
    const before = Math.floor(emulator.clock.now() / 1000);
    await emulator.configurePush({ url: receiver.url, token: TOKEN, mode: 'plain' });
    const after = Math.floor(emulator.clock.now() / 1000);
    expect(receiver.problems).toEqual([]);
    expect(receiver.verifications).toHaveLength(1);
    const [query] = receiver.verifications;
    expect(Object.keys(query).sort()).toEqual(['echostr', 'nonce', 'signature', 'timestamp']);
    expect(query.echostr).toMatch(/^[1-9][0-9]{18}$/);
    expect(query.signature).toBe(pushSignature(TOKEN, query.timestamp, query.nonce));
    expect(Number(query.timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(query.timestamp)).toBeLessThanOrEqual(after);
  });

  it('keeps a query the URL already has', async () => {
    await emulator.configurePush({
      url: `${receiver.url}?account=shop`,
      token: TOKEN,
      mode: 'plain',
    });
    expect(receiver.verifications[0].account).toBe('shop');
  });

  it('refuses an answer that is not exactly the echostr, saying what came back', async () => {
    receiver.echo = (echostr) => `${echostr}\n`;
    await expect(
      emulator.configurePush({ url: receiver.url, token: TOKEN, mode: 'plain' }),
    ).rejects.toThrow(/Token验证失败.*HTTP 200 with ".*\\n"/);
    receiver.echo = () => '<html>Welcome to nginx</html>';
    await expect(
      emulator.configurePush({ url: receiver.url, token: TOKEN, mode: 'plain' }),
    ).rejects.toThrow(/HTTP 200 with "<html>Welcome to nginx<\/html>"/);
  });

  it('refuses an answer with another status, and an unreachable URL', async () => {
    const wrongToken = 'anotherToken9';
    // The receiver checks the signature with its own token: 401.
    await expect(
      emulator.configurePush({ url: receiver.url, token: wrongToken, mode: 'plain' }),
    ).rejects.toThrow(/HTTP 401 with an empty body/);
    const closed = await PushReceiver.start({ token: TOKEN, appId: APP_ID });
    const url = closed.url;
    await closed.close();
    await expect(emulator.configurePush({ url, token: TOKEN, mode: 'plain' })).rejects.toThrow(
      /no connection/,
    );
  });

  it('gives up on a URL that does not answer within tryTimeoutMs', async () => {
    const silent = await startSilentServer();
    try {
      await expect(
        emulator.configurePush({ url: silent.url, token: TOKEN, mode: 'plain', tryTimeoutMs: 200 }),
      ).rejects.toThrow(/no answer within 200 ms/);
    } finally {
      await silent.close();
    }
  });

  it('checks the token, key, mode and format like the console, never quoting them', async () => {
    const secretKey = 'Z'.repeat(42);
    const attempts: [object, RegExp][] = [
      [{ token: 'ab' }, /Token must be 3-32 characters of \[A-Za-z0-9\]/],
      [{ token: 'a'.repeat(33) }, /Token must be 3-32/],
      [{ token: 'bad-token!' }, /Token must be 3-32/],
      [{ mode: 'safe' }, /safe mode needs an EncodingAESKey/],
      [{ mode: 'compatible' }, /compatible mode needs an EncodingAESKey/],
      [{ mode: 'safe', encodingAESKey: secretKey }, /EncodingAESKey must be 43 characters/],
      [{ mode: 'secret' }, /mode must be one of plain, compatible, safe/],
      [{ format: 'yaml' }, /format must be one of xml, json/],
      [{ url: 'ftp://example.com/' }, /url must be an absolute http/],
      [{ tryTimeoutMs: 0 }, /tryTimeoutMs must be a positive number/],
    ];
    for (const [override, message] of attempts) {
      const config = { url: receiver.url, token: TOKEN, mode: 'plain', ...override };
      const error = await emulator
        .configurePush(config as Parameters<WeChatEmulator['configurePush']>[0])
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain(TOKEN);
      expect(error?.message).not.toContain(secretKey);
      expect(error?.message).not.toContain('bad-token!');
    }
    expect(receiver.verifications).toEqual([]);
  });

  it('keeps the previous configuration when a new one fails, and clearPush removes it', async () => {
    await emulator.configurePush({ url: receiver.url, token: TOKEN, mode: 'plain' });
    receiver.echo = () => 'nope';
    await expect(
      emulator.configurePush({
        url: receiver.url,
        token: TOKEN,
        mode: 'safe',
        encodingAESKey: KEY,
      }),
    ).rejects.toThrow(/Token验证失败/);
    await emulator.push(emulator.compose.text('o_alice_0001', 'hello'));
    // Still plain mode: no encrypt_type.
    expect(receiver.received[0].query.encrypt_type).toBeUndefined();
    emulator.clearPush();
    await expect(emulator.push(emulator.compose.text('o_alice_0001', 'again'))).rejects.toThrow(
      /no push URL is configured; call configurePush first/,
    );
  });

  it('refuses to push before configurePush', async () => {
    await expect(emulator.push(emulator.compose.text('o_alice_0001', 'hi'))).rejects.toThrow(
      'push: no push URL is configured; call configurePush first',
    );
  });
});
