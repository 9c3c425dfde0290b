import { parseFlatXml } from './push-xml-flat.js';
import { parseWithSaxes } from './push-xml.js';

// A small seeded generator, so that a failure names a case that can be run again.
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'a',
  'Z',
  '0',
  ' ',
  '\t',
  '\n',
  '\r',
  ']',
  ']]',
  ']]>',
  '>',
  '<',
  '&',
  '&amp;',
  '"',
  "'",
  '中',
  '😀',
  '\uD800',
  '\uDC00',
  '\u0001',
  '\uFFFE',
  'CDATA',
  '<![CDATA[',
  '</x>',
  '<x>',
];
const NAMES = [
  'ToUserName',
  'Content',
  'MsgId',
  'a',
  '_b',
  'a.b',
  'a-b',
  '__proto__',
  'constructor',
  'x1',
];

function pick<T>(random: () => number, items: T[]): T {
  return items[Math.floor(random() * items.length)];
}

function value(random: () => number): string {
  let text = '';
  for (let i = Math.floor(random() * 6); i > 0; i--) text += pick(random, PIECES);
  return text;
}

function documentOf(random: () => number): string {
  let body = '';
  for (let i = Math.floor(random() * 6); i > 0; i--) {
    const name = pick(random, NAMES);
    const space = pick(random, ['', ' ', '\n', '\r\n', '\t']);
    const content = random() < 0.5 ? `<![CDATA[${value(random)}]]>` : value(random);
    body += `${space}<${name}>${content}</${name}>`;
  }
  return `${pick(random, ['', ' ', '\n'])}<xml>${body}${pick(random, ['', '\n'])}</xml>${pick(random, ['', '\n', 'x'])}`;
}

function outcome(parse: () => unknown): unknown {
  try {
    return { fields: parse() };
  } catch {
    return 'refused';
  }
}

describe('parseFlatXml', () => {
  it('reads a flat WeChat message', () => {
    expect(
      parseFlatXml(
        '<xml><ToUserName><![CDATA[gh_1]]></ToUserName>\n<CreateTime>1714037059</CreateTime><Content><![CDATA[a]]]]></Content></xml>',
      ),
    ).toEqual({ ToUserName: 'gh_1', CreateTime: '1714037059', Content: 'a]]' });
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>'],
    ['an entity', '<xml><a>&amp;</a></xml>'],
    ['a nested element', '<xml><a><b>1</b></a></xml>'],
    ['an attribute', '<xml><a b="1">1</a></xml>'],
    ['a declaration', '<?xml version="1.0"?><xml><a>1</a></xml>'],
    ['a carriage return', '<xml><a>1\r\n</a></xml>'],
    ['a __proto__ element', '<xml><__proto__>1</__proto__></xml>'],
    ['a lone surrogate', '<xml><a>\uD800</a></xml>'],
  ])('leaves %s to the parser', (_what, xml) => {
    expect(parseFlatXml(xml)).toBeUndefined();
  });

  it('gives what the parser gives, for every flat document it takes (5,000 random ones)', () => {
    const random = generator(0xf1a7);
    let taken = 0;
    for (let i = 0; i < 5000; i++) {
      const xml = documentOf(random);
      const fast = parseFlatXml(xml);
      if (fast === undefined) continue;
      taken++;
      expect({ xml, result: { fields: fast } }).toEqual({
        xml,
        result: outcome(() => parseWithSaxes(xml)),
      });
      expect(Object.getPrototypeOf(fast)).toBe(Object.prototype);
    }
    expect(taken).toBeGreaterThan(500);
  });
});
