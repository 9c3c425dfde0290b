import { describe, expect, it } from '@jest/globals';
import { parsePushJson, PushJsonError } from './push-json.js';

// The plain body of test vector V1 (wechat-push.md section 9).
const V1_BODY =
  '{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714037059,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}';

function jsonError(text: string): PushJsonError {
  try {
    parsePushJson(text);
  } catch (error) {
    if (error instanceof PushJsonError) return error;
    throw error;
  }
  throw new Error('parsePushJson did not throw');
}

function nested(depth: number): string {
  // depth containers in all: the top-level object, then alternating arrays and objects.
  let text = '1';
  for (let i = depth; i > 1; i--) text = i % 2 === 0 ? `[${text}]` : `{"a":${text}}`;
  return `{"a":${text}}`;
}

describe('parsePushJson', () => {
  describe('WeChat messages', () => {
    it("parses V1's plain body, CreateTime a number", () => {
      expect(parsePushJson(V1_BODY)).toStrictEqual({
        ToUserName: 'gh_97417a04a28d',
        FromUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
        CreateTime: 1714037059,
        MsgType: 'event',
        Event: 'debug_demo',
        debug_str: 'hello world',
      });
    });

    it('keeps a 64-bit MsgId exact as a string', () => {
      const body =
        '{"ToUserName":"gh_10f6c3c3ac5a","FromUserName":"oyORnuP8q7ou2gfYjqLzSIWZf0rs","CreateTime":1409735668,"MsgType":"text","Content":"abcdteT","MsgId":6054768590064713728}';
      // What JSON.parse would hand on: the nearest double, printed with the wrong digits.
      expect(String(JSON.parse(body).MsgId)).toBe('6054768590064714000');
      expect(parsePushJson(body)).toStrictEqual({
        ToUserName: 'gh_10f6c3c3ac5a',
        FromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
        CreateTime: 1409735668,
        MsgType: 'text',
        Content: 'abcdteT',
        MsgId: '6054768590064713728',
      });
    });

    it('keeps MsgId and MsgID strings whatever their size or form', () => {
      expect(parsePushJson('{"MsgId":12345,"MsgID":0,"Other":12345}')).toStrictEqual({
        MsgId: '12345',
        MsgID: '0',
        Other: 12345,
      });
      expect(parsePushJson('{"MsgId":-1.5e3}').MsgId).toBe('-1.5e3');
      expect(parsePushJson('{"MsgId":"6054768590064713728"}').MsgId).toBe('6054768590064713728');
      expect(parsePushJson('{"MsgId":null}').MsgId).toBeNull();
    });

    it('parses a List of subscription results with MsgID in each', () => {
      const body =
        '{"ToUserName":"gh_123456789abc","FromUserName":"o7esq5OI1Buuqz8IFTvDxr4E2Sd0","CreateTime":1620963428,"MsgType":"event","Event":"subscribe_msg_sent_event","List":[{"TemplateId":"BEwX0BOT3MqK3Uc5oTU3CGBqzjvndk2QKO","MsgID":1864323726461255680,"ErrorCode":0,"ErrorStatus":"success"},{"TemplateId":"hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vBbBz","MsgID":12,"ErrorCode":10004,"ErrorStatus":"无效的模板"}]}';
      expect(parsePushJson(body).List).toStrictEqual([
        {
          TemplateId: 'BEwX0BOT3MqK3Uc5oTU3CGBqzjvndk2QKO',
          MsgID: '1864323726461255680',
          ErrorCode: 0,
          ErrorStatus: 'success',
        },
        {
          TemplateId: 'hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vBbBz',
          MsgID: '12',
          ErrorCode: 10004,
          ErrorStatus: '无效的模板',
        },
      ]);
    });
  });

  describe('numbers', () => {
    it('keeps integers beyond the safe range as their digits, in arrays and nested objects', () => {
      expect(
        parsePushJson(
          '{"a":[9007199254740991,9007199254740992,-9007199254740993],"b":{"c":{"d":18446744073709551615}}}',
        ),
      ).toStrictEqual({
        a: [9007199254740991, '9007199254740992', '-9007199254740993'],
        b: { c: { d: '18446744073709551615' } },
      });
    });

    it('keeps fractions, exponents and negatives as numbers', () => {
      expect(
        parsePushJson(
          '{"a":-12,"b":0.5,"c":1e3,"d":-2.5E-2,"e":6054768590064713728.0,"f":1E+400,"g":-0}',
        ),
      ).toStrictEqual({
        a: -12,
        b: 0.5,
        c: 1000,
        d: -0.025,
        e: 6054768590064713728,
        f: Infinity,
        g: -0,
      });
    });

    it('parses Location_X and Precision as numbers', () => {
      expect(parsePushJson('{"Location_X":23.134521,"Precision":119.385040}')).toStrictEqual({
        Location_X: 23.134521,
        Precision: 119.38504,
      });
    });
  });

  describe('strings and literals', () => {
    it('decodes every escape, surrogate pairs and Chinese text', () => {
      const body = String.raw`{"s":"a\"b\\c\/d\be\ff\ng\rh\ti","u":"\u4f60\u597D\ud83d\ude00","zh":"你好，世界 😀"}`;
      expect(parsePushJson(body)).toStrictEqual({
        s: 'a"b\\c/d\be\ff\ng\rh\ti',
        u: '你好😀',
        zh: '你好，世界 😀',
      });
    });

    it('allows lone surrogate escapes, as JSON does', () => {
      expect(parsePushJson(String.raw`{"a":"\ud800","b":"x\udc00y"}`)).toStrictEqual({
        a: '\ud800',
        b: 'x\udc00y',
      });
    });

    it('parses true, false, null, empty containers and whitespace', () => {
      expect(parsePushJson(' \t\r\n{ "a" : true , "b":false,"c":null,"d":[ ],"e":{ } }\n')).toEqual(
        { a: true, b: false, c: null, d: [], e: {} },
      );
    });

    it('keeps the last of repeated keys', () => {
      expect(parsePushJson('{"a":1,"b":2,"a":3}')).toStrictEqual({ a: 3, b: 2 });
    });
  });

  describe('__proto__', () => {
    it('is an own data property and changes no prototype', () => {
      const result = parsePushJson('{"__proto__":{"polluted":true},"a":{"__proto__":[1]}}');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(result.a)).toBe(Object.prototype);
      expect(Object.keys(result)).toEqual(['__proto__', 'a']);
      expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toStrictEqual({
        polluted: true,
      });
      expect((result as { polluted?: unknown }).polluted).toBeUndefined();
      expect(Object.getOwnPropertyDescriptor(result.a, '__proto__')?.value).toEqual([1]);
    });
  });

  describe('depth', () => {
    it('accepts 32 levels of nesting', () => {
      expect(() => parsePushJson(nested(32))).not.toThrow();
    });

    it('refuses 33 levels, and a hostile depth without overflowing the stack', () => {
      expect(jsonError(nested(33)).message).toMatch(/nested deeper than 32/);
      expect(jsonError(`{"a":${'['.repeat(100_000)}`).message).toMatch(/nested deeper than 32/);
    });
  });

  describe('invalid input', () => {
    it.each([
      ['empty text', ''],
      ['only whitespace', '  '],
      ['a trailing comma in an object', '{"a":1,}'],
      ['a trailing comma in an array', '{"a":[1,]}'],
      ['single quotes', "{'a':1}"],
      ['an unquoted key', '{a:1}'],
      ['an unterminated string', '{"a":"b}'],
      ['an unterminated object', '{"a":1'],
      ['text after the object', '{"a":1} x'],
      ['a second object', '{}{}'],
      ['a control character in a string', '{"a":"b\u0001"}'],
      ['a raw line break in a string', '{"a":"b\nc"}'],
      ['a bad escape', String.raw`{"a":"\x41"}`],
      ['a short \\u escape', String.raw`{"a":"\u12"}`],
      ['a leading zero', '{"a":01}'],
      ['a leading plus', '{"a":+1}'],
      ['a bare minus', '{"a":-}'],
      ['a trailing dot', '{"a":1.}'],
      ['a leading dot', '{"a":.5}'],
      ['an empty exponent', '{"a":1e}'],
      ['NaN', '{"a":NaN}'],
      ['a misspelt literal', '{"a":tru}'],
      ['a comment', '{"a":1 /* b */}'],
      ['a missing colon', '{"a" 1}'],
      ['a missing comma', '{"a":1 "b":2}'],
      ['a byte order mark', '\ufeff{}'],
    ])('refuses %s, as JSON.parse does', (_name, text) => {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      const error = jsonError(text);
      expect(error.name).toBe('PushJsonError');
      expect(error).toBeInstanceOf(Error);
    });

    it.each([
      ['a string', '"text"'],
      ['a number', '12'],
      ['null', 'null'],
      ['an array', '[]'],
      ['an array of objects', '[{"MsgType":"text"}]'],
    ])('refuses %s at the top level, valid JSON but not a message', (_name, text) => {
      expect(jsonError(text).message).toBe(
        'Cannot parse the pushed JSON: the top level is not an object at 0',
      );
    });

    it('refuses what is not a string', () => {
      expect(() => parsePushJson(undefined as unknown as string)).toThrow(PushJsonError);
    });

    it('never echoes the text in its message', () => {
      const error = jsonError('{"secret_value_1234":"abc",}');
      expect(error.message).not.toMatch(/secret|abc/);
      expect(error.message).toBe('Cannot parse the pushed JSON: expected a key at 27');
      expect(error.position).toBe(27);
    });
  });

  it('agrees with JSON.parse on ordinary JSON', () => {
    const samples = [
      V1_BODY,
      '{"ToUserName":"gh_1","FromUserName":"o_2","CreateTime":1714037059,"MsgType":"event","Event":"LOCATION","Latitude":23.137466,"Longitude":113.352425,"Precision":119.385040}',
      '{"a":[1,-2,3.5,"x",true,false,null,{"b":[]}],"c":{"d":{"e":"\\u00e9\\n"}},"f":""}',
      '{"ScanCodeInfo":{"ScanType":"qrcode","ScanResult":"1"},"SendPicsInfo":{"Count":1,"PicList":[{"PicMd5Sum":"1b5f7c23b5bf75682a53e7b6d163e185"}]}}',
    ];
    for (const sample of samples) {
      expect(parsePushJson(sample)).toStrictEqual(JSON.parse(sample));
    }
  });
});
