import { describe, expect, it } from '@jest/globals';
import { parsePushXml, PushXmlError } from './push-xml.js';

// Decrypted messages of test vectors V3 and V4 (wechat-push.md section 9).
const V3_XML =
  '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>';
const V4_XML =
  '<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL><ToUserName><![CDATA[asdasdasd]]></ToUserName><FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName><CreateTime>1234567898</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>12345</MsgId></xml>';

function xmlError(xml: string): PushXmlError {
  try {
    parsePushXml(xml);
  } catch (error) {
    if (error instanceof PushXmlError) return error;
    throw error;
  }
  throw new Error('parsePushXml did not throw');
}

describe('parsePushXml', () => {
  describe('WeChat messages', () => {
    it('parses V3, ignoring the line breaks between elements, MsgId exact', () => {
      expect(parsePushXml(V3_XML)).toEqual({
        ToUserName: 'gh_10f6c3c3ac5a',
        FromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
        CreateTime: '1409735668',
        MsgType: 'text',
        Content: 'abcdteT',
        MsgId: '6054768590064713728',
      });
    });

    it('parses V4', () => {
      expect(parsePushXml(V4_XML)).toEqual({
        URL: 'http://wechat.laravel.so/server',
        ToUserName: 'asdasdasd',
        FromUserName: 'asdasdasdsadasd',
        CreateTime: '1234567898',
        MsgType: 'text',
        Content: 'hello',
        MsgId: '12345',
      });
    });

    it('parses a safe-mode envelope', () => {
      const xml =
        '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><Encrypt><![CDATA[D7yzvUNAL930rd28wf21s4hvXhz0L6Ui+/p2Di6C5DHyYGpEg==]]></Encrypt></xml>';
      expect(parsePushXml(xml)).toEqual({
        ToUserName: 'gh_97417a04a28d',
        Encrypt: 'D7yzvUNAL930rd28wf21s4hvXhz0L6Ui+/p2Di6C5DHyYGpEg==',
      });
    });

    it('accepts an XML declaration, a byte order mark and comments', () => {
      const xml =
        '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- a -->\n<xml><A>1<!-- b --></A></xml>\n';
      expect(parsePushXml(xml)).toEqual({ A: '1' });
    });

    it('ignores attributes', () => {
      expect(parsePushXml('<xml a="1"><A b="2">x</A></xml>')).toEqual({ A: 'x' });
    });

    it('gives an object with Object.prototype, whose values are own properties', () => {
      const parsed = parsePushXml(V4_XML);
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect(Object.keys(parsed)).toHaveLength(7);
    });
  });

  describe('text kept exactly as sent', () => {
    it('decodes the five predefined entities and character references', () => {
      const xml =
        '<xml><Content>a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#20013;&#x6587;</Content></xml>';
      expect(parsePushXml(xml).Content).toBe('a <b> & "c" \'d\' 中文');
    });

    it('keeps <, & and ]]> inside CDATA, joining the sections "]]]]><![CDATA[>" splits', () => {
      // Section 7: text containing "]]>" is sent as two CDATA sections.
      const xml = '<xml><Content><![CDATA[x < y && z ]]]]><![CDATA[> w]]></Content></xml>';
      expect(parsePushXml(xml).Content).toBe('x < y && z ]]> w');
    });

    it('keeps leading and trailing spaces and line breaks of a leaf', () => {
      const xml = '<xml><Content><![CDATA[  two spaces \n]]></Content><Raw>  raw  </Raw></xml>';
      expect(parsePushXml(xml)).toEqual({ Content: '  two spaces \n', Raw: '  raw  ' });
    });

    it('keeps a leaf of only whitespace', () => {
      expect(parsePushXml('<xml><Content> </Content></xml>').Content).toBe(' ');
    });

    it('keeps Chinese text and emoji', () => {
      const xml = '<xml><Content><![CDATA[你好，世界 😀]]></Content></xml>';
      expect(parsePushXml(xml).Content).toBe('你好，世界 😀');
    });

    it('joins text, entities and CDATA of one leaf', () => {
      expect(parsePushXml('<xml><A>a&amp;<![CDATA[<b>]]>c</A></xml>').A).toBe('a&<b>c');
    });

    it('turns CR LF into LF, as XML requires of every parser; &#13; keeps a CR', () => {
      const xml = '<xml><A>a\r\nb</A><B><![CDATA[c\r\nd]]></B><C>e&#13;&#10;f</C></xml>';
      expect(parsePushXml(xml)).toEqual({ A: 'a\nb', B: 'c\nd', C: 'e\r\nf' });
    });

    it('gives an empty leaf as the empty string', () => {
      expect(parsePushXml('<xml><A></A><B/><C><![CDATA[]]></C></xml>')).toEqual({
        A: '',
        B: '',
        C: '',
      });
    });

    it('keeps numbers as strings', () => {
      const xml =
        '<xml><MsgId>6054768590064713728</MsgId><Lead>007</Lead><Exp>1e5</Exp><Bool>true</Bool><Location_X>23.134521</Location_X></xml>';
      expect(parsePushXml(xml)).toEqual({
        MsgId: '6054768590064713728',
        Lead: '007',
        Exp: '1e5',
        Bool: 'true',
        Location_X: '23.134521',
      });
    });

    it('gives an empty <xml> root as an empty object', () => {
      expect(parsePushXml('<xml/>')).toEqual({});
      expect(parsePushXml('<xml>\n</xml>')).toEqual({});
    });
  });

  describe('nested and repeated elements', () => {
    const popup = (items: string) =>
      `<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent>${items}</SubscribeMsgPopupEvent></xml>`;
    const item = (id: string) =>
      `<List><TemplateId><![CDATA[${id}]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List>`;

    it('gives a single List as an object (a later layer makes it an array)', () => {
      expect(parsePushXml(popup(item('t1'))).SubscribeMsgPopupEvent).toEqual({
        List: { TemplateId: 't1', SubscribeStatusString: 'accept', PopupScene: '2' },
      });
    });

    it('gives two Lists as an array, in document order', () => {
      expect(parsePushXml(popup(item('t1') + '\n' + item('t2'))).SubscribeMsgPopupEvent).toEqual({
        List: [
          { TemplateId: 't1', SubscribeStatusString: 'accept', PopupScene: '2' },
          { TemplateId: 't2', SubscribeStatusString: 'accept', PopupScene: '2' },
        ],
      });
    });

    it('gives two <item>s as an array and one <item> as an object', () => {
      const two = '<xml><List><item><A>1</A></item><item><A>2</A></item></List></xml>';
      const one = '<xml><List><item><A>1</A></item></List></xml>';
      expect(parsePushXml(two)).toEqual({ List: { item: [{ A: '1' }, { A: '2' }] } });
      expect(parsePushXml(one)).toEqual({ List: { item: { A: '1' } } });
    });

    it('collects repeated names even when other elements come between them', () => {
      expect(parsePushXml('<xml><A>1</A><B>x</B><A>2</A></xml>')).toEqual({
        A: ['1', '2'],
        B: 'x',
      });
    });

    it('parses the pictures of a pic_sysphoto event', () => {
      const xml =
        '<xml><Event><![CDATA[pic_sysphoto]]></Event><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[1b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item></PicList></SendPicsInfo></xml>';
      expect(parsePushXml(xml)).toEqual({
        Event: 'pic_sysphoto',
        SendPicsInfo: {
          Count: '1',
          PicList: { item: { PicMd5Sum: '1b5f7c23b5bf75682a53e7b6d163e185' } },
        },
      });
    });
  });

  describe('hostile documents', () => {
    it('refuses XXE before reading anything', () => {
      const xml =
        '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>';
      expect(xmlError(xml).message).toMatch(/DOCTYPE/);
    });

    it('refuses a parameter-entity XXE', () => {
      const xml =
        '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><xml><Content>x</Content></xml>';
      expect(xmlError(xml).message).toMatch(/DOCTYPE/);
    });

    it('refuses a bare DOCTYPE', () => {
      expect(xmlError('<!DOCTYPE xml><xml><A>1</A></xml>').message).toMatch(/DOCTYPE/);
    });

    it('refuses billion laughs at once', () => {
      const entities = Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
      ).join('');
      const xml = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol0 "lol">${entities}]><xml><Content>&lol9;</Content></xml>`;
      const started = performance.now();
      expect(xmlError(xml).message).toMatch(/DOCTYPE/);
      expect(performance.now() - started).toBeLessThan(100);
    });

    it('refuses an undefined entity', () => {
      expect(xmlError('<xml><Content>&xxe;</Content></xml>').message).toMatch(/undefined entity/);
    });

    it('refuses HTML entities, which XML does not define', () => {
      expect(() => parsePushXml('<xml><A>&nbsp;</A></xml>')).toThrow(PushXmlError);
    });

    it('refuses a character reference outside Unicode', () => {
      expect(() => parsePushXml('<xml><A>&#9999999;</A></xml>')).toThrow(PushXmlError);
    });

    it('keeps a __proto__ element as data and pollutes nothing', () => {
      const parsed = parsePushXml('<xml><__proto__><polluted>1</polluted></__proto__></xml>');
      expect(Object.keys(parsed)).toEqual(['__proto__']);
      expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toEqual({
        polluted: '1',
      });
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((parsed as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('keeps constructor, prototype and hasOwnProperty elements as data', () => {
      const parsed = parsePushXml(
        '<xml><constructor><prototype><polluted>1</polluted></prototype></constructor><hasOwnProperty>y</hasOwnProperty><toString>z</toString></xml>',
      );
      expect(parsed).toEqual({
        constructor: { prototype: { polluted: '1' } },
        hasOwnProperty: 'y',
        toString: 'z',
      });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    });

    it('keeps repeated __proto__ elements as an own array', () => {
      const parsed = parsePushXml('<xml><__proto__>1</__proto__><__proto__>2</__proto__></xml>');
      expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toEqual(['1', '2']);
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    });

    it('survives 1 MB of character references', () => {
      const xml = `<xml><Content>${'&#65;'.repeat(200_000)}</Content></xml>`;
      expect(parsePushXml(xml).Content).toBe('A'.repeat(200_000));
    });

    it('refuses nesting deeper than 32 levels, but accepts 32', () => {
      const nested = (depth: number) =>
        '<xml>' + '<a>'.repeat(depth - 1) + 'x' + '</a>'.repeat(depth - 1) + '</xml>';
      expect(() => parsePushXml(nested(32))).not.toThrow();
      expect(xmlError(nested(33)).message).toMatch(/deeper than 32/);
      expect(xmlError(nested(100_000)).message).toMatch(/deeper than 32/);
    });

    it('refuses more than 10,000 elements', () => {
      expect(() => parsePushXml(`<xml>${'<a/>'.repeat(9_999)}</xml>`)).not.toThrow();
      expect(xmlError(`<xml>${'<a/>'.repeat(10_000)}</xml>`).message).toMatch(
        /more than 10000 elements/,
      );
    });
  });

  describe('malformed documents', () => {
    it.each([
      ['two roots', '<xml><A>1</A></xml><xml><A>2</A></xml>', /only one root/],
      ['an unclosed tag', '<xml><A>1</xml>', /unexpected close tag/],
      ['an unclosed root', '<xml><A>1</A>', /unclosed tag/],
      ['a root other than <xml>', '<root><A>1</A></root>', /not <xml>/],
      ['an XML-cased root', '<XML><A>1</A></XML>', /not <xml>/],
      ['text before the root', 'hello<xml/>', /outside of root/],
      ['text after the root', '<xml/>hello', /outside of root/],
      ['an empty document', '', /must contain a root/],
      ['only whitespace', ' \n', /must contain a root/],
      ['JSON', '{"ToUserName":"gh_97417a04a28d"}', /outside of root/],
      ['a bare ampersand', '<xml><A>a & b</A></xml>', /Cannot parse/],
      ['a bare <', '<xml><A>a < b</A></xml>', /disallowed character/],
      [']]> in text', '<xml><A>a ]]> b</A></xml>', /]]>/],
      ['an unterminated CDATA section', '<xml><A><![CDATA[abc</A></xml>', /Cannot parse/],
      ['text mixed with elements', '<xml><A>a<B>b</B></A></xml>', /mixed/],
      ['text after an element', '<xml><A><B>b</B>a</A></xml>', /mixed/],
      ['text in the root', '<xml>hello</xml>', /only text/],
      ['an XML version other than 1.x', '<?xml version="2.0"?><xml/>', /version/],
      ['an unterminated DOCTYPE', '<!DOCTYPE xml [ <!ENTITY a "b">', /must contain a root/],
    ])('refuses %s', (_name, xml, message) => {
      const error = xmlError(xml);
      expect(error.name).toBe('PushXmlError');
      expect(error.message).toMatch(message);
    });

    it('ignores whitespace between child elements', () => {
      expect(parsePushXml('<xml>\n  <A>\n    <B>1</B>\n  </A>\n</xml>')).toEqual({ A: { B: '1' } });
    });

    it('never echoes the document in its message', () => {
      const secrets = [
        '<xml><SecretName>1</xml>',
        '<xml><A>1</A></SecretName>',
        '<xml><A SecretAttr="1" SecretAttr="2"/></xml>',
        '<SecretRoot/>',
        '<xml><A>&SecretEntity;</A></xml>',
        '<xml>SecretText<A/></xml>',
        '<!DOCTYPE xml [<!ENTITY SecretEntity "x">]><xml/>',
      ];
      for (const xml of secrets) {
        expect(xmlError(xml).message).not.toMatch(/Secret/);
      }
    });

    it('refuses a value that is not a string', () => {
      expect(() => parsePushXml(Buffer.from('<xml/>') as unknown as string)).toThrow(PushXmlError);
    });
  });
});
