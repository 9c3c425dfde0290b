import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WeChatEmulator } from '../../src/testing/index.js';
import { fetchAccessToken, OK_REPLY, postJsonText, refused } from '../support/emulator-http.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const FIRST_MSGID = '3147355467213930497';

type Body = Record<string, unknown>;

describe('WeChatEmulator messages', () => {
  let emulator: WeChatEmulator;
  let accessToken: string;

  async function freshToken(): Promise<void> {
    accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
  }

  async function postText(path: string, body: unknown): Promise<string> {
    return postJsonText(emulator.url, path, accessToken, body);
  }

  const post = async (path: string, body: unknown) =>
    JSON.parse(await postText(path, body)) as Body;

  const OK = OK_REPLY;

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    await freshToken();
    emulator.addUser({ openid: 'o_alice_0001' });
    emulator.addUser({ openid: 'o_bob_000002' });
    emulator.addUser({ openid: 'o_carol_0003', subscribed: false });
  });
  afterEach(async () => emulator.close());

  describe('message/template/send', () => {
    const send = (overrides: Body = {}) =>
      postText('/cgi-bin/message/template/send', {
        touser: 'o_alice_0001',
        template_id: 'tpl_order_shipped',
        url: 'https://shop.example/orders/1',
        data: { thing1: { value: '雨伞' }, time2: { value: '2026-11-01 10:00', color: '#173177' } },
        ...overrides,
      });

    beforeEach(() => emulator.addTemplate('tpl_order_shipped', ['thing1', 'time2']));

    it('answers a 64-bit msgid as a bare JSON number whose digits survive', async () => {
      const first = await send();
      expect(first).toBe(`{"errcode":0,"errmsg":"ok","msgid":${FIRST_MSGID}}`);
      const second = await send({ touser: 'o_bob_000002' });
      const digits = /"msgid":(\d+)\}$/.exec(second)![1];
      expect(digits).toHaveLength(19);
      expect(BigInt(digits)).toBe(BigInt(FIRST_MSGID) + 1n);
      // The reason the text is written by hand: a JS number cannot hold these digits.
      expect(String(JSON.parse(first).msgid)).not.toBe(FIRST_MSGID);
      expect(emulator.sentMessages()).toEqual([
        {
          kind: 'template',
          touser: 'o_alice_0001',
          body: expect.objectContaining({ template_id: 'tpl_order_shipped' }),
          msgid: FIRST_MSGID,
        },
        expect.objectContaining({ touser: 'o_bob_000002', msgid: digits }),
      ]);
    });

    it('sends once per touser and client_msg_id within 10 minutes', async () => {
      const first = await send({ client_msg_id: 'order-1-shipped' });
      expect(await send({ client_msg_id: 'order-1-shipped' })).toBe(first);
      expect(emulator.sentMessages()).toHaveLength(1);
      expect(await send({ client_msg_id: 'order-1-shipped', touser: 'o_bob_000002' })).not.toBe(
        first,
      );
      emulator.clock.advance(10 * 60_000);
      expect(await send({ client_msg_id: 'order-1-shipped' })).not.toBe(first);
      expect(emulator.sentMessages()).toHaveLength(3);
    });

    it('refuses an unknown template (40037), openid (40003) and non-followers (43004)', async () => {
      expect(JSON.parse(await send({ template_id: 'tpl_nope' }))).toEqual(
        refused(40037, /^invalid template_id rid: /),
      );
      expect(JSON.parse(await send({ touser: 'o_nobody_999' }))).toEqual(refused(40003));
      expect(JSON.parse(await send({ touser: 'o_carol_0003' }))).toEqual(
        refused(43004, /^require subscribe rid: /),
      );
      expect(emulator.sentMessages()).toEqual([]);
    });

    it('refuses data that does not fill the template (47003)', async () => {
      const cases: Body[] = [
        { data: { thing1: { value: '雨伞' } } },
        { data: { thing1: { value: '' }, time2: { value: 'x' } } },
        { data: { thing1: '雨伞', time2: { value: 'x' } } },
        { data: 'thing1=雨伞' },
        { data: undefined },
        { data: { thing1: { value: '一'.repeat(21) }, time2: { value: 'x' } } },
        { miniprogram: { pagepath: 'pages/index' } },
        { url: 42 },
      ];
      for (const overrides of cases) {
        expect(JSON.parse(await send(overrides))).toEqual(refused(47003, /^argument invalid! /));
      }
      expect(JSON.parse(await send({ data: { thing1: { value: '一'.repeat(20) } } }))).toEqual(
        refused(47003, /data\.time2\.value is empty/),
      );
      expect(
        JSON.parse(await send({ miniprogram: { appid: 'wxmini', pagepath: 'pages/index' } })),
      ).toMatchObject(OK);
    });

    it('is POST-only (43002)', async () => {
      const res = await fetch(
        `${emulator.url}/cgi-bin/message/template/send?access_token=${accessToken}`,
      );
      expect(await res.json()).toEqual(refused(43002));
    });
  });

  describe('message/custom/send', () => {
    const text = (touser = 'o_alice_0001') =>
      post('/cgi-bin/message/custom/send', { touser, msgtype: 'text', text: { content: 'Hi' } });

    it('needs an interaction within 48 hours (45015)', async () => {
      expect(await text()).toEqual(
        refused(45015, /^response out of time limit or subscription is canceled rid: /),
      );
      emulator.recordInteraction('o_alice_0001');
      expect(await text()).toEqual(OK);
      emulator.clock.advance(48 * 3_600_000 - 1_000);
      await freshToken();
      expect(await text()).toEqual(OK);
      emulator.clock.advance(1_000);
      expect(await text()).toEqual(refused(45015));
      expect(await text('o_bob_000002')).toEqual(refused(45015));
    });

    it('allows 5 messages per interaction (45047), a new interaction 5 more', async () => {
      emulator.recordInteraction('o_alice_0001');
      for (let i = 0; i < 5; i++) expect(await text()).toEqual(OK);
      expect(await text()).toEqual(refused(45047, /^out of response count limit rid: /));
      emulator.recordInteraction('o_alice_0001');
      expect(await text()).toEqual(OK);
      expect(emulator.sentMessages().filter((m) => m.kind === 'custom')).toHaveLength(6);
    });

    it('refuses unknown openids (40003) and users who unfollowed (45015)', async () => {
      expect(await text('o_nobody_999')).toEqual(refused(40003));
      emulator.recordInteraction('o_carol_0003');
      expect(await text('o_carol_0003')).toEqual(refused(45015));
      expect(() => emulator.recordInteraction('o_nobody_999')).toThrow(/addUser first/);
    });

    it('checks each message type and its payload', async () => {
      emulator.recordInteraction('o_alice_0001');
      const send = (message: Body) =>
        post('/cgi-bin/message/custom/send', { touser: 'o_alice_0001', ...message });
      // Not looked up: it may be permanent material, which the emulator does not hold.
      const mediaId = 'PERMANENT_MATERIAL_MEDIA_ID';
      const article = { title: 'T', description: 'D', url: 'https://a.example', picurl: '' };

      expect(await send({ msgtype: 'image', image: { media_id: mediaId } })).toEqual(OK);
      expect(await send({ msgtype: 'news', news: { articles: [article] } })).toEqual(OK);
      expect(
        await send({
          msgtype: 'miniprogrampage',
          miniprogrampage: {
            title: 'T',
            appid: 'wxmini',
            pagepath: 'pages/index',
            thumb_media_id: mediaId,
          },
        }),
      ).toEqual(OK);
      expect(emulator.sentMessages()).toHaveLength(3);

      emulator.recordInteraction('o_alice_0001');
      expect(await send({ msgtype: 'sticker', sticker: { media_id: mediaId } })).toEqual(
        refused(40008, /^invalid message type rid: /),
      );
      expect(await send({ text: { content: 'no msgtype' } })).toEqual(refused(40008));
      expect(await send({ msgtype: 'text', text: { content: '' } })).toEqual(
        refused(47003, /text\.content is empty/),
      );
      expect(await send({ msgtype: 'text' })).toEqual(refused(47003));
      expect(await send({ msgtype: 'image', image: {} })).toEqual(refused(47003));
      expect(await send({ msgtype: 'news', news: { articles: [article, article] } })).toEqual(
        refused(45008),
      );
      expect(await send({ msgtype: 'news', news: { articles: [] } })).toEqual(refused(47003));
      expect(
        await send({ msgtype: 'news', news: { articles: [{ ...article, title: undefined }] } }),
      ).toEqual(refused(47003, /title is empty/));
      expect(
        await send({
          msgtype: 'miniprogrampage',
          miniprogrampage: { title: 'T', pagepath: 'p', thumb_media_id: mediaId },
        }),
      ).toEqual(refused(47003, /appid is empty/));
      // Refused messages use none of the window.
      const hello = { msgtype: 'text', text: { content: 'x' } };
      for (let i = 0; i < 5; i++) expect(await send(hello)).toEqual(OK);
      expect(await send(hello)).toEqual(refused(45047));
      expect(emulator.sentMessages()).toHaveLength(8);
    });
  });

  describe('message/subscribe/bizsend', () => {
    const notify = (overrides: Body = {}) =>
      post('/cgi-bin/message/subscribe/bizsend', {
        touser: 'o_alice_0001',
        template_id: 'sub_payment',
        page: 'https://shop.example/pay/1',
        data: { thing1: { value: '会员' }, amount2: { value: '¥9.90' } },
        ...overrides,
      });

    beforeEach(() => emulator.addSubscribeTemplate('sub_payment', ['thing1', 'amount2']));

    it('sends one notification per grant (43101 without one)', async () => {
      expect(await notify()).toEqual(refused(43101, /^user refuse to accept the msg rid: /));
      emulator.grantSubscription('o_alice_0001', 'sub_payment');
      emulator.grantSubscription('o_alice_0001', 'sub_payment');
      expect(await notify()).toEqual(OK);
      expect(await notify()).toEqual(OK);
      expect(await notify()).toEqual(refused(43101));
      expect(emulator.sentMessages()).toEqual([
        { kind: 'subscribe', touser: 'o_alice_0001', body: expect.any(Object) },
        { kind: 'subscribe', touser: 'o_alice_0001', body: expect.any(Object) },
      ]);
    });

    it('does not need the user to follow', async () => {
      emulator.grantSubscription('o_carol_0003', 'sub_payment');
      expect(await notify({ touser: 'o_carol_0003' })).toEqual(OK);
    });

    it('refuses unknown templates (40037), openids (40003) and incomplete data (47003)', async () => {
      emulator.grantSubscription('o_alice_0001', 'sub_payment');
      expect(await notify({ template_id: 'sub_nope' })).toEqual(refused(40037));
      expect(await notify({ touser: 'o_nobody_999' })).toEqual(refused(40003));
      expect(await notify({ data: { thing1: { value: '会员' } } })).toEqual(
        refused(47003, /data\.amount2\.value is empty/),
      );
      expect(await notify({ miniprogram: { pagepath: 'p' } })).toEqual(refused(47003));
      // None of those used the grant.
      expect(await notify()).toEqual(OK);
      expect(() => emulator.grantSubscription('o_alice_0001', 'sub_nope')).toThrow(
        /addSubscribeTemplate first/,
      );
    });
  });

  it('lists every accepted message oldest first', async () => {
    emulator.addTemplate('tpl', ['thing1']);
    emulator.addSubscribeTemplate('sub', ['thing1']);
    emulator.grantSubscription('o_bob_000002', 'sub');
    emulator.recordInteraction('o_alice_0001');
    const data = { thing1: { value: 'x' } };
    await post('/cgi-bin/message/subscribe/bizsend', {
      touser: 'o_bob_000002',
      template_id: 'sub',
      data,
    });
    await post('/cgi-bin/message/template/send', {
      touser: 'o_alice_0001',
      template_id: 'tpl',
      data,
    });
    await post('/cgi-bin/message/custom/send', {
      touser: 'o_alice_0001',
      msgtype: 'text',
      text: { content: 'Hi' },
    });
    expect(emulator.sentMessages().map((m) => [m.kind, m.touser])).toEqual([
      ['subscribe', 'o_bob_000002'],
      ['template', 'o_alice_0001'],
      ['custom', 'o_alice_0001'],
    ]);
    expect(emulator.sentMessages()[2].body).toEqual({
      touser: 'o_alice_0001',
      msgtype: 'text',
      text: { content: 'Hi' },
    });
  });
});
