import { SaxesParser } from 'saxes';
import { parseFlatXml } from './push-xml-flat.js';

/** A parsed value: a leaf's text, an element's children, or the repeats of one name. */
export type PushXmlValue = string | PushXmlValue[] | { [name: string]: PushXmlValue };

/** Thrown for XML that is not a WeChat push document; says what was wrong, never echoes the XML. */
export class PushXmlError extends Error {
  override readonly name = 'PushXmlError';

  constructor(problem: string) {
    super(`Cannot parse the pushed XML: ${problem}`);
  }
}

// WeChat's messages are a handful of levels deep and a few dozen elements long (wechat-push.md
// section 6); these bounds only stop a hostile document early.
const MAX_DEPTH = 32;
const MAX_ELEMENTS = 10_000;
const XML_WHITESPACE = /^[ \t\r\n]*$/;

interface Frame {
  // Children by name, in document order; null while the element has none (it is a leaf so far).
  children: Map<string, PushXmlValue[]> | null;
  text: string;
}

/**
 * The `<xml>` root of a push as an object. A leaf is its text and CDATA exactly as sent (numbers
 * stay strings); a name repeated under one parent becomes an array, a single one stays a value
 * (so one `<item>` is an object, two are an array). Attributes, comments and processing
 * instructions are ignored; a DOCTYPE is refused before any of it is used. Names such as
 * `__proto__` become own properties: copy the result with spread or `Object.fromEntries`, not
 * `Object.assign` (which would set the copy's prototype). Throws `PushXmlError`.
 */
export function parsePushXml(xml: string): Record<string, PushXmlValue> {
  if (typeof xml !== 'string') throw new PushXmlError('not a string');
  return parseFlatXml(xml) ?? parseWithSaxes(xml);
}

/** `parsePushXml` by the XML parser alone, for any document: exported to test the fast path. */
export function parseWithSaxes(xml: string): Record<string, PushXmlValue> {
  const stack: Frame[] = [];
  let root: Frame | undefined;
  let elements = 0;

  const parser = new SaxesParser({ xmlns: false, position: false });
  // Section 8: no DTD is ever used, so no entity can be defined, external or nested.
  parser.on('doctype', () => {
    throw new PushXmlError('a DOCTYPE is not allowed');
  });
  parser.on('opentag', (tag) => {
    if (stack.length === 0 && tag.name !== 'xml') {
      throw new PushXmlError('the root element is not <xml>');
    }
    if (stack.length === MAX_DEPTH) throw new PushXmlError(`nested deeper than ${MAX_DEPTH}`);
    if (++elements > MAX_ELEMENTS) throw new PushXmlError(`more than ${MAX_ELEMENTS} elements`);
    const parent = stack.at(-1);
    if (parent) {
      if (!XML_WHITESPACE.test(parent.text)) throw new PushXmlError('text mixed with elements');
      parent.text = '';
      parent.children ??= new Map();
    }
    stack.push({ children: null, text: '' });
  });
  const onText = (text: string): void => {
    const frame = stack.at(-1);
    if (!frame) return; // whitespace around the root; saxes refuses anything else there
    if (frame.children === null) frame.text += text;
    else if (!XML_WHITESPACE.test(text)) throw new PushXmlError('text mixed with elements');
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    const frame = stack.pop()!;
    const parent = stack.at(-1);
    if (!parent) {
      root = frame;
      return;
    }
    const siblings = parent.children!.get(tag.name);
    if (siblings) siblings.push(valueOf(frame));
    else parent.children!.set(tag.name, [valueOf(frame)]);
  });
  parser.on('error', (error) => {
    // saxes names the offending tag after a colon ("unclosed tag: Foo"): keep the problem only.
    throw new PushXmlError(error.message.replace(/:.*$/s, '').replace(/\.$/, ''));
  });

  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof PushXmlError) throw error;
    throw new PushXmlError('malformed XML');
  }
  if (!root) throw new PushXmlError('no <xml> root');
  if (root.children === null) {
    if (!XML_WHITESPACE.test(root.text)) throw new PushXmlError('the <xml> root holds only text');
    return {};
  }
  return childrenOf(root.children);
}

function valueOf(frame: Frame): PushXmlValue {
  return frame.children === null ? frame.text : childrenOf(frame.children);
}

// Object.fromEntries defines own properties: a `__proto__` element is data, never a prototype.
function childrenOf(children: Map<string, PushXmlValue[]>): { [name: string]: PushXmlValue } {
  return Object.fromEntries(
    Array.from(children, ([name, values]) => [name, values.length === 1 ? values[0] : values]),
  );
}
