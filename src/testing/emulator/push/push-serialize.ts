/** The fields of a push: WeChat's names, values as WeChat nests them. */
export type PushFields = Record<string, unknown>;

// Fields WeChat writes as bare numbers in XML and as number literals in JSON (the examples of
// Receiving_standard_messages and Receiving_event_pushes: <CreateTime>1348831860</CreateTime>,
// <MsgId>1234567890123456</MsgId>, <Location_X>23.134521</Location_X>, <Scale>20</Scale>,
// <Latitude>23.137466</Latitude>, <Count>1</Count>, <PopupScene>2</PopupScene>). The message
// types hold them as strings (a 64-bit MsgId must stay exact), so a string that reads as a
// number is written bare too.
const NUMERIC_FIELDS = new Set([
  'CreateTime',
  'MsgId',
  'MsgID',
  'MsgDataId',
  'Idx',
  'Location_X',
  'Location_Y',
  'Scale',
  'Latitude',
  'Longitude',
  'Precision',
  'Count',
  'TotalCount',
  'FilterCount',
  'SentCount',
  'ErrorCount',
  'PopupScene',
  'ErrorCode',
]);
const NUMBER_TEXT = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;
// An array under these names repeats the element itself (subscribe_msg_popup_event and its
// siblings list templates as <List>…</List><List>…</List>); any other array is a list of
// <item> elements inside its element (SendPicsInfo/PicList/item, Articles/item).
const REPEATED_ELEMENTS = new Set(['List']);

/** The push as WeChat's XML: `<xml>`, strings in CDATA, numbers bare. */
export function pushXml(fields: PushFields): string {
  return `<xml>${xmlChildren(fields)}</xml>`;
}

/** The push as WeChat's JSON, numbers (64-bit MsgIds too) as number literals. */
export function pushJson(fields: PushFields): string {
  return jsonValue('', fields);
}

function xmlChildren(fields: PushFields): string {
  return Object.entries(fields)
    .map(([name, value]) => xmlElement(name, value))
    .join('');
}

function xmlElement(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    if (REPEATED_ELEMENTS.has(name)) return value.map((item) => xmlElement(name, item)).join('');
    return `<${name}>${value.map((item) => xmlElement('item', item)).join('')}</${name}>`;
  }
  return `<${name}>${xmlContent(name, value)}</${name}>`;
}

function xmlContent(name: string, value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object' && value !== null) return xmlChildren(value as PushFields);
  const text = String(value);
  if (NUMERIC_FIELDS.has(name) && NUMBER_TEXT.test(text)) return text;
  // "]]>" would end the section: "]]" closes one and ">" opens the next.
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function jsonValue(name: string, value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => jsonValue('', item)).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value as PushFields)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => `${JSON.stringify(key)}:${jsonValue(key, member)}`);
    return `{${members.join(',')}}`;
  }
  if (typeof value === 'number') return JSON.stringify(value);
  if (typeof value === 'bigint') return String(value);
  const text = String(value);
  return NUMERIC_FIELDS.has(name) && NUMBER_TEXT.test(text) ? text : JSON.stringify(text);
}
