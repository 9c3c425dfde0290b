import { afterEach, describe, expect, it } from '@jest/globals';
import { PushCipher } from '../../src/push/push-cipher.js';
import { WeChatReply } from '../../src/push/push-reply.js';
import { pushSignature } from '../../src/push/push-signature.js';
import {
  type EmulatorPushMode,
  PUSH_UNAVAILABLE_NOTICE,
  PushAbortedError,
  WeChatEmulator,
} from '../../src/testing/index.js';
import { PushReceiver } from '../support/push-receiver.js';
import { waitFor } from '../support/wait-for.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const TOKEN = 'pushToken2024';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const ALICE = 'o_alice_0001';
// The try time limit of the tests that wait for it; the others keep WeChat's 5 s, so a loaded
// machine never turns a quick answer into a retry.
const TRY_MS = 300;

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

// What makes the user see "该公众号暂时无法提供服务，请稍后再试", and what WeChat retries
// (wechat-push.md section 5; push-delivery.ts cites the sources).
describe('WeChatEmulator.push failures', () => {
  let emulator: WeChatEmulator | undefined;
  let receiver: PushReceiver | undefined;

  async function setUp(mode: EmulatorPushMode = 'plain', tryTimeoutMs = 5000) {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    emulator.addUser({ openid: ALICE });
    emulator.addUser({ openid: 'o_bob_000002' });
    receiver = await PushReceiver.start({ token: TOKEN, appId: APP_ID, encodingAESKey: KEY });
    await emulator.configurePush({
      url: receiver.url,
      token: TOKEN,
      encodingAESKey: KEY,
      mode,
      tryTimeoutMs,
    });
    return { emulator, receiver };
  }

  afterEach(async () => {
    await emulator?.close();
    await receiver?.close();
    expect(receiver?.problems ?? []).toEqual([]);
    emulator = undefined;
    receiver = undefined;
  });

  describe('a malformed answer shows the notice at once, without a retry', () => {
    const cases: [string, (r: PushReceiver) => PushReceiver['respond'], RegExp][] = [
      [
        'a reply to another user',
        (r) => (push) => ({ body: r.reply(push, WeChatReply.text('hi'), { to: 'o_bob_000002' }) }),
        /the reply's ToUserName is "o_bob_000002", not the user's openid o_alice_0001/,
      ],
      [
        'a reply from another account',
        (r) => (push) => ({
          body: r.reply(push, WeChatReply.text('hi'), { from: 'gh_000000000000' }),
        }),
        /the reply's FromUserName is "gh_000000000000", not the account's original id gh_/,
      ],
      [
        'a reply with To and From the wrong way round',
        (r) => (push) => ({
          body: r.reply(push, WeChatReply.text('hi'), {
            to: String(push.message.ToUserName),
            from: String(push.message.FromUserName),
          }),
        }),
        /ToUserName is "gh_[0-9a-f]{12}", not the user's openid/,
      ],
      [
        'JSON where XML is expected',
        () => () => ({ body: '{"errcode":0,"errmsg":"ok"}' }),
        /the answer "\{\\"errcode\\":0.*is not a XML document/,
      ],
      [
        'a reply with an unknown MsgType',
        () => (push) => ({
          body:
            `<xml><ToUserName><![CDATA[${ALICE}]]></ToUserName>` +
            `<FromUserName><![CDATA[${String(push.message.ToUserName)}]]></FromUserName>` +
            '<CreateTime>1714037059</CreateTime><MsgType><![CDATA[sticker]]></MsgType></xml>',
        }),
        /MsgType "sticker" is not one of text, image, voice, video, music, news/,
      ],
      [
        'a CreateTime in milliseconds',
        (r) => (push) => ({
          body: r
            .reply(push, WeChatReply.text('hi'))
            .replace(/<CreateTime>\d+/, '<CreateTime>1714037059000'),
        }),
        /CreateTime in milliseconds/,
      ],
      [
        'a text reply without Content',
        (r) => (push) => ({
          body: r.reply(push, WeChatReply.text('hi')).replace(/<Content>.*<\/Content>/, ''),
        }),
        /the text reply has no Content/,
      ],
    ];

    it.each(cases)('%s', async (_, respond, reason) => {
      const { emulator, receiver } = await setUp();
      receiver.respond = respond(receiver);
      const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
      expect(outcome).toMatchObject({
        shown: 'unavailable',
        notice: PUSH_UNAVAILABLE_NOTICE,
        reason: expect.stringMatching(reason),
        tries: 1,
      });
      expect(receiver.received).toHaveLength(1);
    });
  });

  describe('an encrypted reply that does not check out shows the notice', () => {
    const cases: [string, (r: PushReceiver, plain: string) => string, RegExp][] = [
      [
        'a MsgSignature made with another token',
        (r, plain) => r.encrypt(plain, { token: 'someOtherToken' }),
        /the MsgSignature of the encrypted reply does not match/,
      ],
      [
        'a reply encrypted for another appid',
        (r, plain) => r.encrypt(plain, { appId: 'wx00000000000000ff' }),
        /encrypted for another appid/,
      ],
      [
        'a tampered MsgSignature',
        (r, plain) =>
          r
            .encrypt(plain)
            .replace(
              /<MsgSignature><!\[CDATA\[(.)/,
              (_, c: string) => `<MsgSignature><![CDATA[${c === '0' ? '1' : '0'}`,
            ),
        /the MsgSignature of the encrypted reply does not match/,
      ],
    ];

    it.each(cases)('%s', async (_, seal, reason) => {
      const { emulator, receiver } = await setUp('safe');
      receiver.respond = (push) => ({
        body: seal(receiver, receiver.reply(push, WeChatReply.text('hi'))),
      });
      const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
      expect(outcome).toMatchObject({
        shown: 'unavailable',
        reason: expect.stringMatching(reason),
      });
    });

    it('a TimeStamp in milliseconds (node-webot/wechat #243)', async () => {
      const { emulator, receiver } = await setUp('compatible');
      // renderEncryptedReply refuses milliseconds, so this envelope is made by hand, signed right.
      receiver.respond = (push) => {
        const encrypt = new PushCipher(KEY).encrypt(
          receiver.reply(push, WeChatReply.text('hi')),
          APP_ID,
        );
        const timestamp = '1714037059000';
        const signature = pushSignature(TOKEN, timestamp, '415670741', encrypt);
        return {
          body:
            `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt>` +
            `<MsgSignature><![CDATA[${signature}]]></MsgSignature>` +
            `<TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[415670741]]></Nonce></xml>`,
        };
      };
      const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
      expect(outcome).toMatchObject({
        shown: 'unavailable',
        reason: 'the encrypted reply has its TimeStamp in milliseconds, not seconds',
      });
    });
  });

  describe('retries', () => {
    it('sends the same request three times to a receiver that never answers in time', async () => {
      const { emulator, receiver } = await setUp('safe', TRY_MS);
      receiver.respond = () => ({ delayMs: 60_000 });
      const message = emulator.compose.text(ALICE, 'anyone there?');
      const outcome = await emulator.push(message);
      expect(outcome).toMatchObject({
        shown: 'unavailable',
        reason: `no answer within ${TRY_MS} ms on the last of 3 tries`,
        tries: 3,
      });
      expect(outcome.answers.map((answer) => answer.failure)).toEqual([
        'timeout',
        'timeout',
        'timeout',
      ]);
      await waitFor('the third try at the receiver', () => receiver.received.length === 3);
      const [first, ...retries] = receiver.received;
      for (const retry of retries) {
        expect(retry.query).toEqual(first.query);
        expect(retry.rawBody).toBe(first.rawBody);
      }
      expect(first.message.MsgId).toBe(message.MsgId);
      expect(emulator.pushLog()).toHaveLength(1);
    });

    it('shows the reply of the second try when the first is too slow', async () => {
      const { emulator, receiver } = await setUp('plain', TRY_MS);
      receiver.respond = (push, index) =>
        index === 0
          ? { delayMs: 60_000 }
          : { body: receiver.reply(push, WeChatReply.text('late')) };
      const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
      expect(outcome).toMatchObject({ shown: 'reply', reply: { Content: 'late' } });
      // Two tries, unless a loaded machine made the second miss its 300 ms too.
      expect(outcome.tries).toBeGreaterThanOrEqual(2);
      expect(outcome.answers[0]).toMatchObject({ failure: 'timeout' });
      expect(outcome.answers.at(-1)).toMatchObject({ status: 200 });
    });

    it('retries a dropped connection', async () => {
      const { emulator, receiver } = await setUp();
      receiver.respond = (_, index) => (index === 0 ? { drop: true } : { body: 'success' });
      const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
      expect(outcome).toMatchObject({ shown: 'nothing', tries: 2 });
      expect(outcome.answers[0]).toMatchObject({ failure: 'connection' });
    });

    it('retries any status but 200, even with a success body (NestJS POST default 201)', async () => {
      const { emulator, receiver } = await setUp();
      receiver.respond = () => ({ status: 201, body: 'success' });
      const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
      expect(outcome).toMatchObject({
        shown: 'unavailable',
        reason: 'HTTP 201 on the last of 3 tries',
        tries: 3,
      });
      expect(outcome.answers.map((answer) => answer.status)).toEqual([201, 201, 201]);

      receiver.respond = (_, index) => (index === 3 ? { status: 500, body: 'oops' } : { body: '' });
      expect(await emulator.push(emulator.compose.text(ALICE, 'again'))).toMatchObject({
        shown: 'nothing',
        tries: 2,
      });
    });
  });

  it('close() drops a push under way: it rejects at once and nothing stays open', async () => {
    const { emulator: closing, receiver } = await setUp('plain', 30_000);
    receiver.respond = () => ({ delayMs: 60_000 });
    const before = timers();
    const pushing = closing.push(closing.compose.text(ALICE, 'hello'));
    const settled = pushing.catch((error: unknown) => error);
    await waitFor('the push at the receiver', () => receiver.received.length === 1);
    await closing.close();
    expect(await settled).toBeInstanceOf(PushAbortedError);
    await expect(closing.push(closing.compose.text(ALICE, 'after'))).rejects.toThrow(
      'push: the emulator is closed',
    );
    expect(closing.pushLog()).toEqual([]);
    // The try's timer went with it, and the receiver's wait ended with the connection.
    await waitFor('the timers to go', () => timers() <= before);
  });
});
