import { describe, expect, it } from '@jest/globals';
import { PushMessageError, toWeChatPush } from './push-message.js';
import { parsePushXml } from './push-xml.js';

const envelope = (body: string) =>
  `<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>` +
  `<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>` +
  `<CreateTime>1714112445</CreateTime>${body}</xml>`;
const event = (name: string, body = '') =>
  toWeChatPush(
    parsePushXml(
      envelope(`<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${name}]]></Event>${body}`),
    ),
  );

describe('toWeChatPush', () => {
  it("types V3's text message: WeChat's names, MsgId a string, CreateTime a number", () => {
    const xml =
      '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n' +
      '<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n' +
      '<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n' +
      '<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>';
    expect(toWeChatPush(parsePushXml(xml))).toEqual({
      ToUserName: 'gh_10f6c3c3ac5a',
      FromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
      CreateTime: 1409735668,
      MsgType: 'text',
      Content: 'abcdteT',
      MsgId: '6054768590064713728',
    });
  });

  it("types V1's JSON event, turning JSON numbers into text but CreateTime", () => {
    const parsed = {
      ToUserName: 'gh_97417a04a28d',
      FromUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
      CreateTime: 1714037059,
      MsgType: 'event',
      Event: 'debug_demo',
      debug_str: 'hello world',
      Scale: 15,
      Flag: true,
      Nothing: null,
    };
    expect(toWeChatPush(parsed)).toEqual({
      ...parsed,
      CreateTime: 1714037059,
      Scale: '15',
      Flag: 'true',
      Nothing: '',
    });
  });

  it.each([
    ['a follow through a QR code', 'subscribe', 'qrscene_spring-promo', 'spring-promo'],
    ['a scan by a follower', 'SCAN', 'spring-promo', 'spring-promo'],
  ])('gives %s its scene, read the same way', (_label, name, key, scene) => {
    expect(
      event(
        name,
        `<EventKey><![CDATA[${key}]]></EventKey><Ticket><![CDATA[gQH47joAAAAAAAAAASxod]]></Ticket>`,
      ),
    ).toMatchObject({ Event: name, EventKey: key, Ticket: 'gQH47joAAAAAAAAAASxod', scene });
  });

  it('gives a plain follow no scene', () => {
    expect(event('subscribe')).not.toHaveProperty('scene');
    expect(event('subscribe', '<EventKey><![CDATA[]]></EventKey>')).not.toHaveProperty('scene');
  });

  it.each([
    ['one template', 1],
    ['two templates', 2],
  ])('makes the List of a subscription popup an array, with %s', (_label, count) => {
    const item = (n: number) =>
      `<List><TemplateId><![CDATA[tpl-${n}]]></TemplateId>` +
      `<SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString>` +
      `<PopupScene>2</PopupScene></List>`;
    const items = Array.from({ length: count }, (_, i) => item(i)).join('');
    const push = event(
      'subscribe_msg_popup_event',
      `<SubscribeMsgPopupEvent>${items}</SubscribeMsgPopupEvent>`,
    ) as { SubscribeMsgPopupEvent: { List: unknown[] } };
    expect(push.SubscribeMsgPopupEvent.List).toEqual(
      Array.from({ length: count }, (_, i) => ({
        TemplateId: `tpl-${i}`,
        SubscribeStatusString: 'accept',
        PopupScene: '2',
      })),
    );
  });

  it('makes the List of a JSON subscription event an array too', () => {
    const push = toWeChatPush({
      ToUserName: 'gh_1',
      FromUserName: 'o_1',
      CreateTime: 1,
      MsgType: 'event',
      Event: 'subscribe_msg_sent_event',
      SubscribeMsgSentEvent: {
        List: {
          TemplateId: 't',
          MsgID: 1700000000000000000n.toString(),
          ErrorCode: 0,
          ErrorStatus: 'success',
        },
      },
    }) as { SubscribeMsgSentEvent: { List: unknown[] } };
    expect(push.SubscribeMsgSentEvent.List).toEqual([
      { TemplateId: 't', MsgID: '1700000000000000000', ErrorCode: '0', ErrorStatus: 'success' },
    ]);
  });

  it.each([1, 2])('makes the PicList of a picture event an array of %i', (count) => {
    const items = Array.from(
      { length: count },
      (_, i) => `<item><PicMd5Sum><![CDATA[md5-${i}]]></PicMd5Sum></item>`,
    ).join('');
    const push = event(
      'pic_weixin',
      `<EventKey><![CDATA[photo]]></EventKey><SendPicsInfo><Count>${count}</Count><PicList>${items}</PicList></SendPicsInfo>`,
    ) as { SendPicsInfo: { Count: string; PicList: unknown[] } };
    expect(push.SendPicsInfo).toEqual({
      Count: String(count),
      PicList: Array.from({ length: count }, (_, i) => ({ PicMd5Sum: `md5-${i}` })),
    });
  });

  it('keeps every field of a push it does not know', () => {
    const push = event('a_future_event', '<Anything><Nested>1</Nested></Anything><More>x</More>');
    expect(push).toMatchObject({
      Event: 'a_future_event',
      Anything: { Nested: '1' },
      More: 'x',
    });
  });

  it('keeps the capital D of MsgID in a template job event', () => {
    expect(
      event(
        'TEMPLATESENDJOBFINISH',
        '<MsgID>200163836</MsgID><Status><![CDATA[success]]></Status>',
      ),
    ).toMatchObject({ MsgID: '200163836', Status: 'success' });
  });

  it('is not fooled by an Event named after an Object method', () => {
    expect(event('constructor')).toMatchObject({ Event: 'constructor' });
    expect(event('toString')).toMatchObject({ Event: 'toString' });
  });

  it.each([
    ['no ToUserName', { FromUserName: 'o', CreateTime: 1, MsgType: 'text' }, /ToUserName/],
    [
      'an empty FromUserName',
      { ToUserName: 'g', FromUserName: '', CreateTime: 1, MsgType: 'text' },
      /FromUserName/,
    ],
    ['no MsgType', { ToUserName: 'g', FromUserName: 'o', CreateTime: 1 }, /MsgType/],
    ['no CreateTime', { ToUserName: 'g', FromUserName: 'o', MsgType: 'text' }, /CreateTime/],
    [
      'a CreateTime in milliseconds',
      { ToUserName: 'g', FromUserName: 'o', MsgType: 'text', CreateTime: 1714112445000 },
      /CreateTime/,
    ],
    [
      'a CreateTime that is not a number',
      { ToUserName: 'g', FromUserName: 'o', MsgType: 'text', CreateTime: 'soon' },
      /CreateTime/,
    ],
    [
      'an object for MsgType',
      { ToUserName: 'g', FromUserName: 'o', MsgType: { a: 1 }, CreateTime: 1 },
      /MsgType/,
    ],
  ])('refuses a push with %s', (_label, parsed, message) => {
    expect(() => toWeChatPush(parsed)).toThrow(PushMessageError);
    expect(() => toWeChatPush(parsed)).toThrow(message);
  });

  it('keeps a __proto__ field as data, touching no prototype', () => {
    const push = toWeChatPush(
      parsePushXml(
        envelope('<MsgType>text</MsgType><__proto__><polluted>1</polluted></__proto__>'),
      ),
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(push)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(push, '__proto__')?.value).toEqual({ polluted: '1' });
  });
});
