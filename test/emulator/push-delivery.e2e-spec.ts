import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WeChatReply } from '../../src/push/push-reply.js';
import {
  type EmulatorPushFormat,
  type EmulatorPushMode,
  WeChatEmulator,
} from '../../src/testing/index.js';
import { PushReceiver } from '../support/push-receiver.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const TOKEN = 'pushToken2024';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const ALICE = 'o_alice_0001';
const ORIGINAL_ID = 'gh_97417a04a28d';

const MODES: EmulatorPushMode[] = ['plain', 'compatible', 'safe'];
const FORMATS: EmulatorPushFormat[] = ['xml', 'json'];
const CASES = MODES.flatMap((mode) => FORMATS.map((format) => ({ mode, format })));

// wechat-push.md section 3 (the request) and section 7 (passive replies).
describe.each(CASES)('WeChatEmulator.push in $mode mode, $format format', ({ mode, format }) => {
  let emulator: WeChatEmulator;
  let receiver: PushReceiver;
  const encrypted = mode !== 'plain';

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({
      appId: APP_ID,
      appSecret: APP_SECRET,
      originalId: ORIGINAL_ID,
    });
    emulator.addUser({ openid: ALICE });
    receiver = await PushReceiver.start({
      token: TOKEN,
      appId: APP_ID,
      encodingAESKey: KEY,
      format,
    });
    await emulator.configurePush({
      url: receiver.url,
      token: TOKEN,
      encodingAESKey: KEY,
      mode,
      format,
    });
  });
  afterEach(async () => {
    await emulator.close();
    await receiver.close();
    expect(receiver.problems).toEqual([]);
  });

  it('sends the message signed, with the query and body of the mode', async () => {
    const message = emulator.compose.text(ALICE, 'hello <b> & ]]> 你好');
    await emulator.push(message);
    expect(receiver.received).toHaveLength(1);
    const [push] = receiver.received;
    const keys = ['nonce', 'openid', 'signature', 'timestamp'];
    if (encrypted) keys.push('encrypt_type', 'msg_signature');
    expect(Object.keys(push.query).sort()).toEqual(keys.sort());
    expect(push.query.openid).toBe(ALICE);
    if (encrypted) expect(push.query.encrypt_type).toBe('aes');
    expect(push.contentType).toBe(format === 'json' ? 'application/json' : 'text/xml');
    expect(push.userAgent).toBe('Mozilla/4.0');
    expect(plainFields(push.message)).toEqual(plainFields(message));

    const plainKeys = ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId'];
    if (mode === 'plain') expect(Object.keys(push.body)).toEqual(plainKeys);
    if (mode === 'compatible') {
      expect(Object.keys(push.body)).toEqual([...plainKeys, 'Encrypt']);
      expect(plainFields(push.body)).toMatchObject(plainFields(message));
    }
    if (mode === 'safe') {
      expect(push.body).toEqual({ ToUserName: ORIGINAL_ID, Encrypt: expect.any(String) });
    }
  });

  it('keeps the MsgId exact: bare digits that no JS number holds', async () => {
    const message = emulator.compose.text(ALICE, 'precision');
    expect(message.MsgId).toMatch(/^[1-9][0-9]{18}$/);
    expect(String(Number(message.MsgId))).not.toBe(message.MsgId);
    await emulator.push(message);
    const [push] = receiver.received;
    expect(push.message.MsgId).toBe(message.MsgId);
    const text = push.decrypted ?? push.rawBody;
    expect(text).toContain(
      format === 'json' ? `"MsgId":${message.MsgId}` : `<MsgId>${message.MsgId}</MsgId>`,
    );
  });

  it('shows a text reply', async () => {
    receiver.respond = (push) => ({
      body: receiver.reply(push, WeChatReply.text('hi, Alice'), { encrypt: mode === 'safe' }),
    });
    const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
    expect(outcome).toMatchObject({
      shown: 'reply',
      encrypted: mode === 'safe',
      tries: 1,
      reply: {
        ToUserName: ALICE,
        FromUserName: ORIGINAL_ID,
        CreateTime: expect.any(Number),
        MsgType: 'text',
        Content: 'hi, Alice',
      },
    });
    expect(outcome.answers).toEqual([
      { status: 200, ms: expect.any(Number), bodyPrefix: expect.any(String) },
    ]);
  });

  it.each(['success', ''])('shows nothing for %j', async (body) => {
    receiver.respond = () => ({ body });
    const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
    expect(outcome).toMatchObject({ shown: 'nothing', tries: 1 });
  });

  it('takes an encrypted reply in compatible and safe mode only', async () => {
    receiver.respond = (push) => ({
      body: receiver.reply(push, WeChatReply.text('sealed'), { encrypt: true }),
    });
    const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
    if (encrypted) {
      expect(outcome).toMatchObject({
        shown: 'reply',
        encrypted: true,
        reply: { MsgType: 'text', Content: 'sealed' },
      });
    } else {
      expect(outcome).toMatchObject({
        shown: 'unavailable',
        reason: 'an encrypted reply, but the push URL is in plain mode',
      });
    }
  });

  it('takes a plain reply in plain and compatible mode, not in safe mode', async () => {
    receiver.respond = (push) => ({ body: receiver.reply(push, WeChatReply.text('open')) });
    const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
    if (mode === 'safe') {
      expect(outcome).toMatchObject({
        shown: 'unavailable',
        reason: 'a plain reply, but safe mode takes encrypted replies only',
        notice: '该公众号暂时无法提供服务，请稍后再试',
      });
    } else {
      expect(outcome).toMatchObject({
        shown: 'reply',
        encrypted: false,
        reply: { Content: 'open' },
      });
    }
  });

  it('shows the other reply types', async () => {
    const replies = [
      WeChatReply.image('MEDIA_IMAGE'),
      WeChatReply.news({ title: 'Today', url: 'https://example.com/today' }),
      WeChatReply.transferToCustomerService(),
    ];
    for (const reply of replies) {
      receiver.respond = (push) => ({
        body: receiver.reply(push, reply, { encrypt: mode === 'safe' }),
      });
      const outcome = await emulator.push(emulator.compose.text(ALICE, 'hello'));
      expect(outcome).toMatchObject({ shown: 'reply', reply: { MsgType: reply.type } });
    }
  });

  it('logs each push and what the user saw', async () => {
    receiver.respond = (_, index) => ({ body: index === 0 ? 'success' : 'garbage' });
    const first = emulator.compose.text(ALICE, 'one');
    await emulator.push(first);
    await emulator.push(emulator.compose.text(ALICE, 'two'));
    const log = emulator.pushLog();
    expect(log).toHaveLength(2);
    expect(log[0]).toEqual({
      message: first,
      outcome: expect.objectContaining({ shown: 'nothing' }),
      at: expect.any(Number),
    });
    expect(log[1].outcome).toMatchObject({ shown: 'unavailable' });
  });
});

/** The fields with CreateTime as text: XML carries text, JSON a number. */
function plainFields(fields: object): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...fields };
  delete copy.Encrypt;
  return { ...copy, CreateTime: String(copy.CreateTime) };
}
