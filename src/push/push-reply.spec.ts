import { describe, expect, it } from '@jest/globals';
import { PushCipher } from './push-cipher.js';
import {
  renderEncryptedReply,
  renderReplyJson,
  renderReplyXml,
  WeChatReply,
  type WeChatReplyMessage,
} from './push-reply.js';
import { pushSignature } from './push-signature.js';
import { parsePushXml } from './push-xml.js';

const USER = 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY';
const ACCOUNT = 'gh_97417a04a28d';
const NOW = 1714037059;
const HEAD = `<xml><ToUserName><![CDATA[${USER}]]></ToUserName><FromUserName><![CDATA[${ACCOUNT}]]></FromUserName><CreateTime>${NOW}</CreateTime>`;
const JSON_HEAD = { ToUserName: USER, FromUserName: ACCOUNT, CreateTime: NOW };

function xml(reply: WeChatReplyMessage): string {
  return renderReplyXml(reply, USER, ACCOUNT, NOW);
}

function json(reply: WeChatReplyMessage): unknown {
  return JSON.parse(renderReplyJson(reply, USER, ACCOUNT, NOW));
}

// A reply that skipped the builder, as an application may write it by hand.
function literal(reply: unknown): WeChatReplyMessage {
  return reply as WeChatReplyMessage;
}

describe('WeChatReply', () => {
  it('builds frozen replies of every type', () => {
    const replies = [
      WeChatReply.text('hi'),
      WeChatReply.image('m1'),
      WeChatReply.voice('m2'),
      WeChatReply.video('m3', { title: 't' }),
      WeChatReply.music({ thumbMediaId: 'm4', musicUrl: 'https://music.example/a.mp3' }),
      WeChatReply.news({ title: 'T', url: 'https://example.com/' }),
      WeChatReply.transferToCustomerService('kf2001@gh_97417a04a28d'),
    ];
    expect(replies).toStrictEqual([
      { type: 'text', content: 'hi' },
      { type: 'image', mediaId: 'm1' },
      { type: 'voice', mediaId: 'm2' },
      { type: 'video', mediaId: 'm3', title: 't' },
      { type: 'music', musicUrl: 'https://music.example/a.mp3', thumbMediaId: 'm4' },
      { type: 'news', articles: [{ title: 'T', url: 'https://example.com/' }] },
      { type: 'transfer_customer_service', kfAccount: 'kf2001@gh_97417a04a28d' },
    ]);
    for (const reply of replies) expect(Object.isFrozen(reply)).toBe(true);
    const news = replies[5] as Extract<WeChatReplyMessage, { type: 'news' }>;
    expect(Object.isFrozen(news.articles)).toBe(true);
    expect(Object.isFrozen(news.articles[0])).toBe(true);
  });

  it('copies what it is given, leaving out undefined options', () => {
    const article = { title: 'T', description: undefined };
    const reply = WeChatReply.news(article);
    expect(reply.articles[0]).not.toBe(article);
    expect(Object.isFrozen(article)).toBe(false);
    expect(reply.articles[0]).toStrictEqual({ title: 'T' });
    expect(WeChatReply.video('m', { title: undefined })).toStrictEqual({
      type: 'video',
      mediaId: 'm',
    });
    expect(WeChatReply.transferToCustomerService()).toStrictEqual({
      type: 'transfer_customer_service',
    });
  });

  it.each([
    [
      'empty text',
      () => WeChatReply.text(''),
      RangeError,
      "The text reply's content must not be empty",
    ],
    [
      'text not a string',
      () => WeChatReply.text(1 as unknown as string),
      TypeError,
      "The text reply's content must be a string",
    ],
    [
      'empty image',
      () => WeChatReply.image(''),
      RangeError,
      "The image reply's mediaId must not be empty",
    ],
    [
      'voice without media',
      () => WeChatReply.voice(undefined as unknown as string),
      TypeError,
      "The voice reply's mediaId must be a string",
    ],
    [
      'video without media',
      () => WeChatReply.video(''),
      RangeError,
      "The video reply's mediaId must not be empty",
    ],
    [
      'video title not a string',
      () => WeChatReply.video('m', { title: 1 as unknown as string }),
      TypeError,
      "The video reply's title must be a string when given",
    ],
    [
      'video options null',
      () => WeChatReply.video('m', null as unknown as object),
      TypeError,
      'The video options must be an object',
    ],
    [
      'music without thumbnail',
      () => WeChatReply.music({} as { thumbMediaId: string }),
      TypeError,
      "The music reply's thumbMediaId must be a string",
    ],
    [
      'news without title',
      () => WeChatReply.news({ title: '' }),
      RangeError,
      "A news article's title must not be empty",
    ],
    [
      'news of two articles',
      () => WeChatReply.news([{ title: 'a' }, { title: 'b' }] as unknown as { title: string }),
      RangeError,
      'A news reply holds 1 article, not 2: WeChat shows no more since 2018-10-12',
    ],
    [
      'news article not an object',
      () => WeChatReply.news('a' as unknown as { title: string }),
      TypeError,
      "A news reply's article must be an object",
    ],
    [
      'a kfAccount not a string',
      () => WeChatReply.transferToCustomerService(7 as unknown as string),
      TypeError,
      "The transfer_customer_service reply's kfAccount must be a string",
    ],
    [
      'an empty kfAccount',
      () => WeChatReply.transferToCustomerService(''),
      RangeError,
      "The transfer_customer_service reply's kfAccount must not be empty",
    ],
  ])('refuses %s', (_name, build, type, message) => {
    expect(build).toThrow(type);
    expect(build).toThrow(message);
  });
});

describe('renderReplyXml', () => {
  it.each<[string, WeChatReplyMessage, string]>([
    [
      'text',
      WeChatReply.text('你好'),
      '<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content>',
    ],
    [
      'image',
      WeChatReply.image('media_1'),
      '<MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[media_1]]></MediaId></Image>',
    ],
    [
      'voice',
      WeChatReply.voice('media_2'),
      '<MsgType><![CDATA[voice]]></MsgType><Voice><MediaId><![CDATA[media_2]]></MediaId></Voice>',
    ],
    [
      'video',
      WeChatReply.video('media_3', { title: '标题', description: 'desc' }),
      '<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[media_3]]></MediaId><Title><![CDATA[标题]]></Title><Description><![CDATA[desc]]></Description></Video>',
    ],
    [
      'video, media only',
      WeChatReply.video('media_3'),
      '<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[media_3]]></MediaId></Video>',
    ],
    [
      'music',
      WeChatReply.music({
        title: 'T',
        description: 'D',
        musicUrl: 'http://m.example/a.mp3',
        hqMusicUrl: 'http://m.example/a-hq.mp3',
        thumbMediaId: 'thumb_1',
      }),
      '<MsgType><![CDATA[music]]></MsgType><Music><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description><MusicUrl><![CDATA[http://m.example/a.mp3]]></MusicUrl><HQMusicUrl><![CDATA[http://m.example/a-hq.mp3]]></HQMusicUrl><ThumbMediaId><![CDATA[thumb_1]]></ThumbMediaId></Music>',
    ],
    [
      'music, thumbnail only',
      WeChatReply.music({ thumbMediaId: 'thumb_1' }),
      '<MsgType><![CDATA[music]]></MsgType><Music><ThumbMediaId><![CDATA[thumb_1]]></ThumbMediaId></Music>',
    ],
    [
      'news',
      WeChatReply.news({
        title: 'T',
        description: 'D',
        picUrl: 'https://p.example/1.jpg',
        url: 'https://example.com/?a=1&b=2',
      }),
      '<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description><PicUrl><![CDATA[https://p.example/1.jpg]]></PicUrl><Url><![CDATA[https://example.com/?a=1&b=2]]></Url></item></Articles>',
    ],
    [
      'news, title only',
      WeChatReply.news({ title: 'T' }),
      '<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[T]]></Title></item></Articles>',
    ],
    [
      'transfer',
      WeChatReply.transferToCustomerService(),
      '<MsgType><![CDATA[transfer_customer_service]]></MsgType>',
    ],
    [
      'transfer to one agent',
      WeChatReply.transferToCustomerService('test1@test'),
      '<MsgType><![CDATA[transfer_customer_service]]></MsgType><TransInfo><KfAccount><![CDATA[test1@test]]></KfAccount></TransInfo>',
    ],
  ])('renders %s exactly', (_name, reply, body) => {
    expect(xml(reply)).toBe(`${HEAD}${body}</xml>`);
  });

  it('renders a reply written by hand', () => {
    expect(xml({ type: 'text', content: 'x' })).toBe(
      `${HEAD}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[x]]></Content></xml>`,
    );
  });

  it('splits "]]>" across CDATA sections, so the text comes back unchanged', () => {
    const content = ']]>a]]>]]]>b<![CDATA[c]]]]>';
    const rendered = renderReplyXml(WeChatReply.text(content), 'o]]>1', ACCOUNT, NOW);
    expect(rendered).toContain(
      '<Content><![CDATA[]]]]><![CDATA[>a]]]]><![CDATA[>]]]]]><![CDATA[>b<![CDATA[c]]]]]]><![CDATA[>]]></Content>',
    );
    expect(parsePushXml(rendered)).toStrictEqual({
      ToUserName: 'o]]>1',
      FromUserName: ACCOUNT,
      CreateTime: String(NOW),
      MsgType: 'text',
      Content: content,
    });
  });

  it('round-trips Chinese text, emoji, markup characters and line breaks', () => {
    const content = '欢迎关注！\n<a href="https://example.com/?a=1&b=2">点我</a> 😀\t&amp;';
    const news = WeChatReply.news({ title: '标题]]>', description: '描述' });
    expect(parsePushXml(xml(WeChatReply.text(content))).Content).toBe(content);
    expect(parsePushXml(xml(news)).Articles).toStrictEqual({
      item: { Title: '标题]]>', Description: '描述' },
    });
  });

  it('removes the characters XML 1.0 cannot carry, keeping tab, line feed and pairs', () => {
    const content =
      'a\u0000b\u0001c\u0008d\u000be\u000cf\u001fg\ud800h\udc00i\ufffej\uffffk\t\n😀\u007f';
    const rendered = xml(WeChatReply.text(content));
    expect(rendered).toContain('<Content><![CDATA[abcdefghijk\t\n😀\u007f]]></Content>');
    expect(parsePushXml(rendered).Content).toBe('abcdefghijk\t\n😀\u007f');
  });

  it('removes them from every field, the account names too', () => {
    const rendered = renderReplyXml(
      WeChatReply.music({ title: 'a\u0002', thumbMediaId: 'b\ud83d' }),
      'o\u0003',
      'gh\ufffe',
      NOW,
    );
    expect(parsePushXml(rendered)).toStrictEqual({
      ToUserName: 'o',
      FromUserName: 'gh',
      CreateTime: String(NOW),
      MsgType: 'music',
      Music: { Title: 'a', ThumbMediaId: 'b' },
    });
  });

  it.each([
    [
      'milliseconds',
      1714037059000,
      RangeError,
      'createTimeSeconds looks like milliseconds: WeChat wants seconds',
    ],
    [
      'a fraction',
      1714037059.5,
      RangeError,
      'createTimeSeconds must be whole seconds since the epoch',
    ],
    ['a negative', -1, RangeError, 'createTimeSeconds must be whole seconds since the epoch'],
    ['NaN', Number.NaN, RangeError, 'createTimeSeconds must be whole seconds since the epoch'],
    ['a string', '1714037059', TypeError, 'createTimeSeconds must be a number of seconds'],
  ])('refuses a CreateTime of %s', (_name, createTime, type, message) => {
    const render = (): string =>
      renderReplyXml(WeChatReply.text('hi'), USER, ACCOUNT, createTime as number);
    expect(render).toThrow(type);
    expect(render).toThrow(message);
  });

  it('accepts the last second below 1e11', () => {
    expect(renderReplyXml(WeChatReply.text('hi'), USER, ACCOUNT, 1e11)).toContain(
      '<CreateTime>100000000000</CreateTime>',
    );
  });

  it.each([
    [
      'two articles',
      { type: 'news', articles: [{ title: 'a' }, { title: 'b' }] },
      RangeError,
      'A news reply holds 1 article, not 2',
    ],
    ['no article', { type: 'news', articles: [] }, RangeError, 'A news reply needs an article'],
    [
      'articles not an array',
      { type: 'news', articles: { title: 'a' } },
      TypeError,
      "A news reply's articles must be an array",
    ],
    [
      'an unknown type',
      { type: 'link', url: 'x' },
      TypeError,
      'A reply type must be one of WeChat passive reply types',
    ],
    ['no reply', null, TypeError, 'A reply must be an object'],
    [
      'an empty text',
      { type: 'text', content: '' },
      RangeError,
      "The text reply's content must not be empty",
    ],
  ])('refuses a reply written by hand with %s', (_name, reply, type, message) => {
    expect(() => xml(literal(reply))).toThrow(type);
    expect(() => xml(literal(reply))).toThrow(message);
    expect(() => json(literal(reply))).toThrow(message);
  });

  it('refuses an empty or missing ToUserName or FromUserName', () => {
    const text = WeChatReply.text('hi');
    expect(() => renderReplyXml(text, '', ACCOUNT, NOW)).toThrow('to must not be empty');
    expect(() => renderReplyXml(text, USER, undefined as unknown as string, NOW)).toThrow(
      'from must be a string',
    );
  });
});

describe('renderReplyJson', () => {
  it.each<[string, WeChatReplyMessage, object]>([
    ['text', WeChatReply.text('你好\n"quoted"'), { MsgType: 'text', Content: '你好\n"quoted"' }],
    ['image', WeChatReply.image('media_1'), { MsgType: 'image', Image: { MediaId: 'media_1' } }],
    ['voice', WeChatReply.voice('media_2'), { MsgType: 'voice', Voice: { MediaId: 'media_2' } }],
    [
      'video',
      WeChatReply.video('media_3', { title: 'T', description: 'D' }),
      { MsgType: 'video', Video: { MediaId: 'media_3', Title: 'T', Description: 'D' } },
    ],
    [
      'video, media only',
      WeChatReply.video('media_3'),
      { MsgType: 'video', Video: { MediaId: 'media_3' } },
    ],
    [
      'music',
      WeChatReply.music({
        title: 'T',
        description: 'D',
        musicUrl: 'u',
        hqMusicUrl: 'hq',
        thumbMediaId: 'th',
      }),
      {
        MsgType: 'music',
        Music: {
          Title: 'T',
          Description: 'D',
          MusicUrl: 'u',
          HQMusicUrl: 'hq',
          ThumbMediaId: 'th',
        },
      },
    ],
    [
      'news',
      WeChatReply.news({ title: 'T', description: 'D', picUrl: 'p', url: 'u' }),
      {
        MsgType: 'news',
        ArticleCount: 1,
        Articles: [{ Title: 'T', Description: 'D', PicUrl: 'p', Url: 'u' }],
      },
    ],
    ['transfer', WeChatReply.transferToCustomerService(), { MsgType: 'transfer_customer_service' }],
    [
      'transfer to one agent',
      WeChatReply.transferToCustomerService('test1@test'),
      { MsgType: 'transfer_customer_service', TransInfo: { KfAccount: 'test1@test' } },
    ],
  ])('renders %s with the XML names', (_name, reply, body) => {
    expect(json(reply)).toStrictEqual({ ...JSON_HEAD, ...body });
  });

  it('puts the header first and CreateTime as a number', () => {
    expect(renderReplyJson(WeChatReply.text('hi'), USER, ACCOUNT, NOW)).toBe(
      `{"ToUserName":"${USER}","FromUserName":"${ACCOUNT}","CreateTime":${NOW},"MsgType":"text","Content":"hi"}`,
    );
  });

  it('keeps every character, escaping what JSON must', () => {
    const content = 'a\u0000b]]>c\ud800d😀';
    const rendered = renderReplyJson(WeChatReply.text(content), USER, ACCOUNT, NOW);
    expect(rendered).toContain(String.raw`"Content":"a\u0000b]]>c\ud800d😀"`);
    expect((JSON.parse(rendered) as { Content: string }).Content).toBe(content);
  });

  it('refuses a CreateTime in milliseconds', () => {
    expect(() => renderReplyJson(WeChatReply.text('hi'), USER, ACCOUNT, Date.now())).toThrow(
      'createTimeSeconds looks like milliseconds',
    );
  });
});

describe('renderEncryptedReply', () => {
  const cipher = new PushCipher('A'.repeat(43));

  it("reproduces V1's encrypted JSON reply", () => {
    const rendered = renderEncryptedReply({
      cipher,
      appId: 'wxba5fad812f8e6fb9',
      token: 'AAAAA',
      plaintextReply: '{"demo_resp":"good luck"}',
      format: 'json',
      timestampSeconds: 1713424427,
      nonce: '415670741',
      random16: Buffer.from('707722b803182950'),
    });
    expect(rendered).toBe(
      '{"Encrypt":"ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==","MsgSignature":"1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1","TimeStamp":1713424427,"Nonce":"415670741"}',
    );
  });

  it("reproduces V6's encrypted XML reply (Open Platform: the platform's appid)", () => {
    const rendered = renderEncryptedReply({
      cipher,
      appId: 'wx134c8103faa5a59e',
      token: 'AAAAA',
      plaintextReply: '<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>',
      format: 'xml',
      timestampSeconds: 1713424427,
      nonce: '415670741',
      random16: Buffer.from('999951349e8ee746'),
    });
    expect(rendered).toBe(
      '<xml><Encrypt><![CDATA[hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7]]></Encrypt><MsgSignature><![CDATA[03e0812039325c2712ef5f0f980fd14c70d6e307]]></MsgSignature><TimeStamp>1713424427</TimeStamp><Nonce><![CDATA[415670741]]></Nonce></xml>',
    );
  });

  it('encrypts a rendered reply that decrypts and verifies, with fresh randomness', () => {
    const plaintextReply = renderReplyXml(WeChatReply.text('收到 ]]> 了'), USER, ACCOUNT, NOW);
    const options = {
      cipher,
      appId: 'wxba5fad812f8e6fb9',
      token: 'AAAAA',
      plaintextReply,
      format: 'xml' as const,
      timestampSeconds: NOW,
      nonce: '1514711492',
    };
    const first = parsePushXml(renderEncryptedReply(options)) as Record<string, string>;
    const second = parsePushXml(renderEncryptedReply(options)) as Record<string, string>;
    expect(first.Encrypt).not.toBe(second.Encrypt);
    expect(cipher.decrypt(first.Encrypt)).toStrictEqual({
      message: plaintextReply,
      appId: 'wxba5fad812f8e6fb9',
    });
    expect(first.MsgSignature).toBe(
      pushSignature('AAAAA', String(NOW), '1514711492', first.Encrypt),
    );
    expect(first.TimeStamp).toBe(String(NOW));
    expect(first.Nonce).toBe('1514711492');
  });

  it.each([
    [
      '"success"',
      { plaintextReply: 'success' },
      RangeError,
      '"success" and the empty reply are sent as they are, never encrypted',
    ],
    [
      'the empty reply',
      { plaintextReply: '' },
      RangeError,
      '"success" and the empty reply are sent as they are, never encrypted',
    ],
    [
      'a TimeStamp in milliseconds',
      { timestampSeconds: 1713424427000 },
      RangeError,
      'timestampSeconds looks like milliseconds: WeChat wants seconds',
    ],
    [
      'a TimeStamp as a string',
      { timestampSeconds: '1713424427' },
      TypeError,
      'timestampSeconds must be a number of seconds',
    ],
    ['an empty nonce', { nonce: '' }, RangeError, 'nonce must not be empty'],
    [
      'a nonce XML cannot carry',
      { nonce: '41\u00005' },
      RangeError,
      'nonce holds a character XML cannot carry',
    ],
    ['an empty token', { token: '' }, RangeError, 'token must not be empty'],
    ['an unknown format', { format: 'yaml' }, RangeError, "format must be 'xml' or 'json'"],
  ])('refuses %s', (_name, change, type, message) => {
    const render = (): string =>
      renderEncryptedReply({
        cipher,
        appId: 'wxba5fad812f8e6fb9',
        token: 'AAAAA',
        plaintextReply: '{"demo_resp":"good luck"}',
        format: 'json',
        timestampSeconds: 1713424427,
        nonce: '415670741',
        ...(change as object),
      });
    expect(render).toThrow(type);
    expect(render).toThrow(message);
  });
});
