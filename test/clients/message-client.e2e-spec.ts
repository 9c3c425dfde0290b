import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { MessageClient, WeChatArgumentError } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { startClientApp } from './client-app.js';

describe('MessageClient', () => {
  let app: Awaited<ReturnType<typeof startClientApp>>;
  let emulator: WeChatEmulator;
  let messages: MessageClient;

  beforeEach(async () => {
    app = await startClientApp();
    emulator = app.emulator;
    messages = app.moduleRef.get(MessageClient);
    emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice' });
    emulator.addUser({ openid: 'o_gone_00002', subscribed: false });
    emulator.addTemplate('TPL_ORDER_SHIPPED', ['order', 'time']);
  });
  afterEach(async () => app.close());

  const template = (overrides: object = {}) => ({
    touser: 'o_alice_0001',
    templateId: 'TPL_ORDER_SHIPPED',
    url: 'https://shop.example.com/orders/42',
    data: { order: { value: '#42' }, time: { value: '2026-11-25 10:00' } },
    ...overrides,
  });

  it('sends a template message and returns its 64-bit msgid intact', async () => {
    const msgid = await messages.sendTemplate(template());
    expect(msgid).toMatch(/^\d{19}$/);
    expect(BigInt(msgid) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(emulator.sentMessages().at(-1)).toMatchObject({
      kind: 'template',
      touser: 'o_alice_0001',
      msgid,
    });
  });

  it.each([
    ['an unknown template', { templateId: 'NOPE' }, 40037, 'invalid-argument'],
    ['missing data keys', { data: { order: { value: '#42' } } }, 47003, 'invalid-argument'],
    ['a user who does not follow', { touser: 'o_gone_00002' }, 43004, 'user-state'],
    ['an unknown user', { touser: 'o_nobody_0003' }, 40003, 'invalid-argument'],
  ])('classifies %s', async (_label, overrides, errcode, kind) => {
    await expect(messages.sendTemplate(template(overrides))).rejects.toMatchObject({
      errcode,
      kind,
    });
  });

  it('refuses empty template data locally', async () => {
    await expect(messages.sendTemplate(template({ data: {} }))).rejects.toBeInstanceOf(
      WeChatArgumentError,
    );
  });

  it('sends customer-service messages only inside the 48-hour window, and only so many', async () => {
    const text = { touser: 'o_alice_0001', msgtype: 'text' as const, text: { content: 'hello' } };
    await expect(messages.sendCustom(text)).rejects.toMatchObject({
      errcode: 45015,
      kind: 'user-state',
    });
    emulator.recordInteraction('o_alice_0001');
    await messages.sendCustom(text);
    await messages.sendCustom({
      touser: 'o_alice_0001',
      msgtype: 'image',
      image: { media_id: 'MEDIA_1' },
    });
    await messages.sendCustom({
      touser: 'o_alice_0001',
      msgtype: 'news',
      news: {
        articles: [
          {
            title: 'News',
            description: 'd',
            url: 'https://a.test',
            picurl: 'https://a.test/p.png',
          },
        ],
      },
    });
    await messages.sendCustom({
      touser: 'o_alice_0001',
      msgtype: 'miniprogrampage',
      miniprogrampage: {
        title: 'Shop',
        appid: 'wx1111111111111111',
        pagepath: 'pages/index',
        thumb_media_id: 'T1',
      },
    });
    let error: unknown;
    for (let i = 0; i < 10 && !error; i++)
      await messages.sendCustom(text).catch((e: unknown) => (error = e));
    expect(error).toMatchObject({ errcode: 45047, kind: 'user-state' });
    emulator.clock.advance(48 * 3_600_000);
    await expect(messages.sendCustom(text)).rejects.toMatchObject({ errcode: 45015 });
  });

  // https://developers.weixin.qq.com/doc/service/api/customer/message/api_sendcustommessage:
  // the message types of the request body, each with its payload object.
  it('sends every customer-service message type WeChat serves', async () => {
    const to = { touser: 'o_alice_0001' };
    const media = 'MEDIA_1';
    const all = [
      { ...to, msgtype: 'voice' as const, voice: { media_id: media } },
      { ...to, msgtype: 'video' as const, video: { media_id: media, thumb_media_id: media } },
      {
        ...to,
        msgtype: 'music' as const,
        music: { musicurl: 'https://a.test/1.mp3', thumb_media_id: media },
      },
      { ...to, msgtype: 'mpnews' as const, mpnews: { media_id: media } },
      { ...to, msgtype: 'mpnewsarticle' as const, mpnewsarticle: { article_id: 'A1' } },
      {
        ...to,
        msgtype: 'msgmenu' as const,
        msgmenu: { head_content: '满意吗?', list: [{ id: '101', content: '满意' }] },
      },
      { ...to, msgtype: 'wxcard' as const, wxcard: { card_id: 'CARD_1' } },
      { ...to, msgtype: 'link' as const, link: { title: 'T', url: 'https://a.test' } },
    ];
    for (const message of all) {
      emulator.recordInteraction('o_alice_0001');
      await messages.sendCustom(message);
    }
    expect(emulator.sentMessages().map((m) => m.body.msgtype)).toEqual(all.map((m) => m.msgtype));
    await expect(
      messages.sendCustom({ ...to, msgtype: 'msgmenu', msgmenu: { list: [] } }),
    ).rejects.toBeInstanceOf(WeChatArgumentError);
    await expect(
      messages.sendCustom({ ...to, msgtype: 'voice', voice: { media_id: '' } }),
    ).rejects.toBeInstanceOf(WeChatArgumentError);
  });

  it('refuses an unknown customer-service message type locally', async () => {
    await expect(
      messages.sendCustom({ touser: 'o_alice_0001', msgtype: 'sticker' } as never),
    ).rejects.toBeInstanceOf(WeChatArgumentError);
  });

  it('sends a subscription notification the user accepted, once per acceptance', async () => {
    emulator.addSubscribeTemplate('SUB_ARRIVAL', ['thing1']);
    const message = {
      touser: 'o_alice_0001',
      templateId: 'SUB_ARRIVAL',
      data: { thing1: { value: 'Your parcel' } },
    };
    await expect(messages.sendSubscribe(message)).rejects.toMatchObject({
      errcode: 43101,
      kind: 'user-state',
    });
    emulator.grantSubscription('o_alice_0001', 'SUB_ARRIVAL');
    await messages.sendSubscribe(message);
    await expect(messages.sendSubscribe(message)).rejects.toMatchObject({ errcode: 43101 });
  });
});
