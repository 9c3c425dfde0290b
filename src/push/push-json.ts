/** A parsed JSON value; a number that would lose precision stays its digit string. */
export type PushJsonValue =
  string | number | boolean | null | PushJsonValue[] | { [key: string]: PushJsonValue };

/** Thrown for text that is not a JSON push object; says what was wrong, never echoes the text. */
export class PushJsonError extends Error {
  override readonly name = 'PushJsonError';

  constructor(
    problem: string,
    /** Offset in the text where the problem was found, when there is one. */
    readonly position?: number,
  ) {
    super(
      `Cannot parse the pushed JSON: ${problem}${position === undefined ? '' : ` at ${position}`}`,
    );
  }
}

// WeChat's JSON messages are two or three levels deep (wechat-push.md section 6); the bound only
// stops a hostile document early.
const MAX_DEPTH = 32;
// wechat-push.md section 6: MsgId (MsgID in TEMPLATESENDJOBFINISH) is a 64-bit id; as a string
// always, it has one type whether or not it happens to fit a double.
const ID_KEYS = new Set(['MsgId', 'MsgID']);
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
// Characters a string may hold unescaped, up to the next quote, backslash or control character.
// eslint-disable-next-line no-control-regex -- control characters are what it must stop at
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * A JSON push body (wechat-push.md section 3, JSON data format) as an object, like `JSON.parse`
 * but keeping 64-bit ids exact: an integer literal that is not a safe integer stays its digit
 * string, and a number under the key `MsgId` or `MsgID` is always its source text. Other numbers
 * (fractions, exponents, `CreateTime`) are numbers. The top level must be an object, nested at
 * most 32 deep. Objects are plain (prototype `Object.prototype`, as `JSON.parse` makes them); a
 * `__proto__` key is an own data property, never a prototype (copy with spread, not
 * `Object.assign`). A repeated key keeps its last value. Throws `PushJsonError`.
 */
export function parsePushJson(text: string): Record<string, PushJsonValue> {
  if (typeof text !== 'string') throw new PushJsonError('not a string');
  // A whole parser rather than a pre-pass that quotes big numbers for JSON.parse: the pre-pass
  // needs the same tokenizer (to tell numbers from digits inside strings, and keys from values),
  // and owning the parse also gives the depth limit and error messages that never quote the text.
  return new Parser(text).parseDocument();
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): Record<string, PushJsonValue> {
    this.skipWhitespace();
    if (this.text[this.pos] !== '{') {
      throw new PushJsonError('the top level is not an object', this.pos);
    }
    const result = this.parseObject(1);
    this.skipWhitespace();
    if (this.pos !== this.text.length) throw this.fail('text after the object');
    return result;
  }

  private parseValue(depth: number, keepNumberText: boolean): PushJsonValue {
    this.skipWhitespace();
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.parseObject(depth + 1);
      case '[':
        return this.parseArray(depth + 1);
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber(keepNumberText);
        throw c === undefined ? this.fail('unexpected end') : this.fail('unexpected character');
    }
  }

  private parseObject(depth: number): Record<string, PushJsonValue> {
    if (depth > MAX_DEPTH) throw this.fail(`nested deeper than ${MAX_DEPTH}`);
    this.pos++; // '{'
    const result: Record<string, PushJsonValue> = {};
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') throw this.fail('expected a key');
      const key = this.parseString();
      this.skipWhitespace();
      this.expect(':');
      const value = this.parseValue(depth, ID_KEYS.has(key));
      // defineProperty, not assignment: a "__proto__" key must be data, not a prototype change.
      Object.defineProperty(result, key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === '}') return result;
      if (c !== ',') throw this.fail("expected ',' or '}'", this.pos - 1);
    }
  }

  private parseArray(depth: number): PushJsonValue[] {
    if (depth > MAX_DEPTH) throw this.fail(`nested deeper than ${MAX_DEPTH}`);
    this.pos++; // '['
    const result: PushJsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.parseValue(depth, false));
      this.skipWhitespace();
      const c = this.text[this.pos++];
      if (c === ']') return result;
      if (c !== ',') throw this.fail("expected ',' or ']'", this.pos - 1);
    }
  }

  private parseString(): string {
    const start = this.pos;
    this.pos++; // '"'
    let result = '';
    for (;;) {
      PLAIN_RUN.lastIndex = this.pos;
      PLAIN_RUN.test(this.text);
      result += this.text.slice(this.pos, PLAIN_RUN.lastIndex);
      this.pos = PLAIN_RUN.lastIndex;
      const c = this.text[this.pos];
      if (c === '"') {
        this.pos++;
        return result;
      }
      if (c === undefined) throw this.fail('unterminated string', start);
      if (c !== '\\') throw this.fail('control character in a string');
      const e = this.text[this.pos + 1];
      if (e === 'u') {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (!HEX4.test(hex)) throw this.fail('bad \\u escape');
        // Each \u escape is one UTF-16 unit: two in a row join into one character, and a lone
        // surrogate stays as JSON allows it.
        result += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
        result += ESCAPES[e];
        this.pos += 2;
      } else {
        throw this.fail('bad escape');
      }
    }
  }

  private parseNumber(keepText: boolean): number | string {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) throw this.fail('bad number');
    const source = match[0];
    this.pos += source.length;
    if (keepText) return source;
    const value = Number(source);
    const integer = match[1] === undefined && match[2] === undefined;
    return integer && !Number.isSafeInteger(value) ? source : value;
  }

  private parseLiteral<T extends PushJsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) throw this.fail(`expected ${word}`);
    this.pos += word.length;
    return value;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) throw this.fail(`expected '${c}'`);
    this.pos++;
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      // JSON's whitespace only: space, tab, line feed, carriage return.
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  private fail(problem: string, position = this.pos): PushJsonError {
    return new PushJsonError(problem, position);
  }
}
