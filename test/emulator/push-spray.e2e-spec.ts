import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WeChatReply } from '../../src/push/push-reply.js';
import { WeChatEmulator } from '../../src/testing/index.js';
import { PushReceiver } from '../support/push-receiver.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const TOKEN = 'pushToken2024';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const ALICE = 'o_alice_0001';

// A cluster behind a load balancer: WeChat's tries of one push may land on any instance.
describe('WeChatEmulator.configurePush with several URLs (tries sprayed across instances)', () => {
  let emulator: WeChatEmulator;
  let instances: PushReceiver[];

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    emulator.addUser({ openid: ALICE });
    instances = await Promise.all(
      [1, 2, 3].map(() => PushReceiver.start({ token: TOKEN, appId: APP_ID, encodingAESKey: KEY })),
    );
  });
  afterEach(async () => {
    await emulator.close();
    await Promise.all(instances.map((instance) => instance.close()));
    expect(instances.flatMap((instance) => instance.problems)).toEqual([]);
  });

  const urls = () => instances.map((instance) => instance.url);
  const configure = (url: string | string[]) =>
    emulator.configurePush({ url, token: TOKEN, encodingAESKey: KEY, mode: 'safe' });
  const dropEverything = () => {
    for (const instance of instances) instance.respond = () => ({ drop: true });
  };

  it('verifies every URL, each of which must echo', async () => {
    await configure(urls());
    expect(instances.map((instance) => instance.verifications.length)).toEqual([1, 1, 1]);

    instances[2].echo = () => 'nope';
    await expect(configure(urls())).rejects.toThrow(
      `configurePush: the URL verification of ${instances[2].url} failed (Token验证失败)`,
    );
    // The previous configuration stays: every instance still takes tries.
    dropEverything();
    const outcome = await emulator.push(emulator.compose.text(ALICE, 'still configured'));
    expect(outcome.answers.map((answer) => answer.url)).toEqual(urls());
  });

  it('sends try n to url[n % urls.length], the very same request each time', async () => {
    await configure(urls());
    dropEverything();
    const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
    expect(outcome).toMatchObject({ shown: 'unavailable', tries: 3 });
    expect(outcome.answers).toEqual(
      urls().map((url) => ({ url, failure: 'connection', ms: expect.any(Number) })),
    );
    const received = instances.map((instance) => instance.received);
    expect(received.map((pushes) => pushes.length)).toEqual([1, 1, 1]);
    const [first, second, third] = received.map(([push]) => push);
    expect(second.query).toEqual(first.query);
    expect(third.query).toEqual(first.query);
    expect(new Set(received.map(([push]) => push.rawBody)).size).toBe(1);
    expect(first.message).toMatchObject({ FromUserName: ALICE, Content: 'hello' });
  });

  it('wraps around a list shorter than the tries', async () => {
    await configure(urls().slice(0, 2));
    dropEverything();
    const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
    const [a, b] = urls();
    expect(outcome.answers.map((answer) => answer.url)).toEqual([a, b, a]);
    expect(instances.map((instance) => instance.received.length)).toEqual([2, 1, 0]);
  });

  it('shows the reply of the instance that answers, and says which try it was', async () => {
    await configure(urls());
    instances[0].respond = () => ({ drop: true });
    instances[1].respond = (push) => ({
      body: instances[1].reply(push, WeChatReply.text('from the second'), { encrypt: true }),
    });
    const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
    expect(outcome).toMatchObject({
      shown: 'reply',
      tries: 2,
      reply: { ToUserName: ALICE, Content: 'from the second' },
    });
    expect(outcome.answers).toEqual([
      { url: instances[0].url, failure: 'connection', ms: expect.any(Number) },
      {
        url: instances[1].url,
        status: 200,
        ms: expect.any(Number),
        bodyPrefix: expect.any(String),
      },
    ]);
    expect(instances[2].received).toEqual([]);
  });

  it('keeps a single URL as it was (no url in the answers), and names the URL of a list of one', async () => {
    await configure(instances[0].url);
    dropEverything();
    const single = await emulator.push(emulator.compose.text(ALICE, 'one'));
    expect(single.answers).toHaveLength(3);
    for (const answer of single.answers) expect(answer).not.toHaveProperty('url');
    expect(instances[0].received).toHaveLength(3);

    await configure([instances[1].url]);
    const listed = await emulator.push(emulator.compose.text(ALICE, 'two'));
    expect(listed.answers.map((answer) => answer.url)).toEqual(Array(3).fill(instances[1].url));
  });

  it('refuses an empty list and a list with a URL that is not http(s)', async () => {
    await expect(configure([])).rejects.toThrow(/url must be .* or a non-empty list of them/);
    await expect(configure([instances[0].url, 'ftp://example.com/'])).rejects.toThrow(
      /url must be an absolute http/,
    );
    expect(instances.map((instance) => instance.verifications.length)).toEqual([0, 0, 0]);
  });
});
