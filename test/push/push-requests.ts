import { randomBytes } from 'node:crypto';
import { PushCipher } from '../../src/push/push-cipher.js';
import { pushSignature } from '../../src/push/push-signature.js';
import { parsePushXml } from '../../src/push/push-xml.js';
import { parsePushJson } from '../../src/push/push-json.js';
import { PUSH_TOKEN } from './push-test-app.js';

export type Mode = 'plain' | 'compatible' | 'safe';
export type Format = 'xml' | 'json';

/** A push body as WeChat writes it: XML with CDATA strings, or JSON. */
export function pushBody(fields: Record<string, unknown>, format: Format): string {
  // WeChat's JSON carries MsgId as a bare 64-bit number, which JSON.parse would round.
  if (format === 'json')
    return JSON.stringify(fields).replace(/"(MsgId|MsgID)":"(\d+)"/g, '"$1":$2');
  return `<xml>${xmlFields(fields)}</xml>`;
}

function xmlFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([name, value]) => {
      if (Array.isArray(value))
        return value.map((v) => `<${name}>${xmlValue(v)}</${name}>`).join('');
      return `<${name}>${xmlValue(value)}</${name}>`;
    })
    .join('');
}

function xmlValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null)
    return xmlFields(value as Record<string, unknown>);
  return `<![CDATA[${String(value).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export interface SignedPush {
  query: string;
  body: string;
  contentType: string;
}

/** A push signed (and encrypted, per mode) like WeChat's, for `appId` with `key`. */
export function signedPush(
  fields: Record<string, unknown>,
  options: { mode: Mode; format: Format; appId: string; key: string; token?: string },
): SignedPush {
  const token = options.token ?? PUSH_TOKEN;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(randomBytes(4).readUInt32BE());
  const signature = pushSignature(token, timestamp, nonce);
  const plain = pushBody(fields, options.format);
  const contentType = options.format === 'json' ? 'application/json' : 'text/xml';
  const base = `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&openid=${String(fields.FromUserName)}`;
  if (options.mode === 'plain') return { query: base, body: plain, contentType };
  const encrypt = new PushCipher(options.key).encrypt(plain, options.appId);
  const msgSignature = pushSignature(token, timestamp, nonce, encrypt);
  const outer =
    options.mode === 'safe'
      ? { ToUserName: fields.ToUserName, Encrypt: encrypt }
      : { ...fields, Encrypt: encrypt };
  return {
    query: `${base}&encrypt_type=aes&msg_signature=${msgSignature}`,
    body: pushBody(outer, options.format),
    contentType,
  };
}

/** POSTs a signed push; the answer's status and text. */
export async function post(
  url: string,
  push: SignedPush,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}?${push.query}`, {
    method: 'POST',
    headers: { 'Content-Type': push.contentType },
    body: push.body,
  });
  return { status: response.status, text: await response.text() };
}

/** The reply's fields, decrypted when it is encrypted. */
export function openReply(text: string, format: Format, key: string): Record<string, unknown> {
  const fields = format === 'json' ? parsePushJson(text) : parsePushXml(text);
  if (typeof fields.Encrypt !== 'string') return fields;
  const inner = new PushCipher(key).decrypt(fields.Encrypt).message;
  return format === 'json' ? parsePushJson(inner) : parsePushXml(inner);
}

let msgIdCounter = 6054768590064713728n;

/** A text message from `openid`, with a fresh 64-bit MsgId. */
export function textMessage(content: string, openid = 'oUser1'): Record<string, unknown> {
  msgIdCounter += 1n;
  return {
    ToUserName: 'gh_97417a04a28d',
    FromUserName: openid,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: content,
    MsgId: msgIdCounter.toString(),
  };
}
