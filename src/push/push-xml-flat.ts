// What the fast reader leaves to the parser: characters XML 1.0 does not allow, carriage returns
// (which a parser turns into line feeds) and surrogates that are not in pairs.
const OUTSIDE_PLAIN_RANGE = /[^\t\n\u0020-\uD7FF\uE000-\uFFFD]/;
const UNPLAIN_CHARACTER =
  /[^\t\n\u0020-\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ROOT = /^[ \t\n]*<xml>([^]*)<\/xml>[ \t\n]*$/;
// One `<Name>value</Name>` after optional white space, the value CDATA or text without markup or
// entities (neither holding `]]>`). Sticky: each match starts where the last ended.
const FLAT_ELEMENT =
  /[ \t\n]*<([A-Za-z_][A-Za-z0-9_]*)>(?:<!\[CDATA\[([^\]]*(?:\](?!\]>)[^\]]*)*)\]\]>|([^<&\]]*(?:\](?!\]>)[^<&\]]*)*))<\/\1>/y;
const TRAILING_SPACE = /^[ \t\n]*$/;

/**
 * The fields of a flat push document (`<xml>` holding elements of text or one CDATA section each,
 * WeChat's usual shape), or undefined when the document is anything else: then the XML parser
 * reads it. Gives what the parser would give for the documents it takes; it is only faster.
 */
export function parseFlatXml(xml: string): Record<string, string | string[]> | undefined {
  // The one-class scan settles most messages; only one with surrogates (emoji) needs the pairs
  // checked.
  if (OUTSIDE_PLAIN_RANGE.test(xml) && UNPLAIN_CHARACTER.test(xml)) return undefined;
  const root = ROOT.exec(xml);
  if (!root) return undefined;
  const body = root[1];
  const fields: Record<string, string | string[]> = {};
  FLAT_ELEMENT.lastIndex = 0;
  let end = 0;
  for (let match = FLAT_ELEMENT.exec(body); match; match = FLAT_ELEMENT.exec(body)) {
    const name = match[1];
    // Assigning `__proto__` would set the prototype: the parser's path makes it a plain field.
    if (name === '__proto__') return undefined;
    const value = match[2] ?? match[3];
    if (!Object.hasOwn(fields, name)) fields[name] = value;
    else {
      const known = fields[name];
      if (Array.isArray(known)) known.push(value);
      else fields[name] = [known, value];
    }
    end = FLAT_ELEMENT.lastIndex;
  }
  return TRAILING_SPACE.test(body.slice(end)) ? fields : undefined;
}
