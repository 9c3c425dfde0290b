import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WeChatEmulator } from '../../src/testing/index.js';
import { fetchAccessToken, OK_REPLY, postJson, refused } from '../support/emulator-http.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const ALICE = 'o_alice_0001';

type Body = Record<string, unknown>;

describe('WeChatEmulator message fidelity', () => {
  let emulator: WeChatEmulator;
  let accessToken: string;

  const post = (path: string, body: unknown) => postJson(emulator.url, path, accessToken, body);
  const custom = (message: Body) =>
    post('/cgi-bin/message/custom/send', { touser: ALICE, ...message });
  const hello = { msgtype: 'text', text: { content: 'hello' } };

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
    emulator.addUser({ openid: ALICE });
  });
  afterEach(async () => emulator.close());

  // https://developers.weixin.qq.com/doc/service/api/customer/message/api_sendcustommessage
  // lists the request body's message types: text, image, voice, video, music, news, mpnews,
  // mpnewsarticle, msgmenu, wxcard, miniprogrampage and link ("msgtype=... 时必填").
  it('serves every customer-service message type of the docs, and checks their fields', async () => {
    const media = 'PERMANENT_MATERIAL_MEDIA_ID';
    const messages: Body[] = [
      { msgtype: 'voice', voice: { media_id: media } },
      { msgtype: 'video', video: { media_id: media, thumb_media_id: media, title: 'T' } },
      {
        msgtype: 'music',
        music: { musicurl: 'https://a.example/1.mp3', hqmusicurl: '', thumb_media_id: media },
      },
      { msgtype: 'mpnews', mpnews: { media_id: media } },
      { msgtype: 'mpnewsarticle', mpnewsarticle: { article_id: 'ARTICLE_ID' } },
      {
        msgtype: 'msgmenu',
        msgmenu: {
          head_content: '您对本次服务是否满意呢?',
          list: [
            { id: '101', content: '满意' },
            { id: '102', content: '不满意' },
          ],
          tail_content: '欢迎再次光临',
        },
      },
      { msgtype: 'wxcard', wxcard: { card_id: 'CARD_ID' } },
      {
        msgtype: 'link',
        link: { title: 'T', description: 'D', url: 'https://a.example', thumb_url: '' },
      },
    ];
    for (const message of messages) {
      emulator.recordInteraction(ALICE);
      expect(await custom(message)).toEqual(OK_REPLY);
    }
    expect(emulator.sentMessages().map((m) => m.body.msgtype)).toEqual(
      messages.map((m) => m.msgtype),
    );
    emulator.recordInteraction(ALICE);
    expect(await custom({ msgtype: 'voice', voice: {} })).toEqual(
      refused(47003, /voice\.media_id is empty/),
    );
    expect(await custom({ msgtype: 'msgmenu', msgmenu: { list: [] } })).toEqual(refused(47003));
    expect(await custom({ msgtype: 'msgmenu', msgmenu: { list: [{ id: '1' }] } })).toEqual(
      refused(47003, /msgmenu\.list\[0\]\.content is empty/),
    );
    expect(await custom({ msgtype: 'wxcard', wxcard: {} })).toEqual(refused(47003));
    expect(await custom({ msgtype: 'sticker', sticker: {} })).toEqual(refused(40008));
  });

  // Same page, "各场景的客服消息下发规则": 用户发送消息 5条 48小时; 点击自定义菜单 3条 1分钟;
  // 关注公众号 3条 1分钟; 扫描二维码 3条 1分钟. "在用户点击菜单消息时...不会产生用户发送消息场景的客服消息下发额度".
  describe('the customer-service window of each interaction', () => {
    it.each(['menu-click', 'follow', 'scan'] as const)(
      'a %s allows 3 messages within 1 minute, not 5 in 48 hours',
      async (kind) => {
        emulator.recordInteraction(ALICE, kind);
        for (let i = 0; i < 3; i++) expect(await custom(hello)).toEqual(OK_REPLY);
        expect(await custom(hello)).toEqual(refused(45047));
        emulator.recordInteraction(ALICE, kind);
        emulator.clock.advance(60_000);
        expect(await custom(hello)).toEqual(refused(45015));
      },
    );

    it('answering a menu click an hour later fails', async () => {
      emulator.recordInteraction(ALICE, 'menu-click');
      emulator.clock.advance(3_600_000);
      accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
      expect(await custom(hello)).toEqual(refused(45015));
    });

    it('a message allows 5 within 48 hours, and a menu click adds its own 3', async () => {
      emulator.recordInteraction(ALICE);
      emulator.recordInteraction(ALICE, 'menu-click');
      for (let i = 0; i < 8; i++) expect(await custom(hello)).toEqual(OK_REPLY);
      expect(await custom(hello)).toEqual(refused(45047));
      emulator.clock.advance(47 * 3_600_000);
      accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
      expect(await custom(hello)).toEqual(refused(45047));
      emulator.recordInteraction(ALICE);
      expect(await custom(hello)).toEqual(OK_REPLY);
    });
  });

  // The table "类目模板消息参数值内容限制说明" of
  // https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
  // (e.g. "character_string.DATA 32位以内数字、字母或符号", "phrase.DATA 5个以内汉字"); WeChat answers
  // 47003 "argument invalid! data.character_string1.value invalid" for a value off its rule.
  it.each([
    ['thing', '一'.repeat(20), '一'.repeat(21)],
    ['character_string', 'SF1234567890-A', '测试单号'],
    ['character_string', 'A'.repeat(32), 'A'.repeat(33)],
    ['phrase', '配送中', '配送中了吗啊啊'],
    ['phrase', '配送中', 'done'],
    ['time', '2019年10月1日 15:01', '2024-06-2116: 34: 24'],
    ['time', '15:01~16:30', '2022-01-27 15:00-16:00'],
    ['date', '2019年10月1日', '明天'],
    ['amount', '¥3598.29', '3.00'],
    ['number', '3.14', '3,14'],
    ['letter', 'abcXYZ', 'abc1'],
    ['symbol', '%', '%%%%%%'],
    ['car_number', '粤A8Z888挂', '粤A8Z888挂X'],
    ['name', '张三', '张三3'],
    ['name', 'John Smith', 'J'.repeat(21)],
    ['phone_number', '+86-0766-66888866', '0766-6688886666666'],
  ])('checks %s values: %j passes, %j answers 47003', async (type, good, bad) => {
    const key = `${type}1`;
    emulator.addTemplate('tpl_rules', [key]);
    const send = (value: string) =>
      post('/cgi-bin/message/template/send', {
        touser: ALICE,
        template_id: 'tpl_rules',
        data: { [key]: { value } },
      });
    expect(await send(good)).toMatchObject(OK_REPLY);
    expect(await send(bad)).toEqual(
      refused(47003, new RegExp(`^argument invalid! data\\.${key}\\.value invalid rid: `)),
    );
  });
});
