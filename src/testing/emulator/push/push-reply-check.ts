import { PushDecryptError } from '../../../push/push-cipher.js';
import { parsePushJson } from '../../../push/push-json.js';
import { pushSignature, signatureMatches } from '../../../push/push-signature.js';
import { parsePushXml } from '../../../push/push-xml.js';
import { type PushConfig } from './push-config.js';
import { type EmulatorPushReply } from './push-outcome.js';

/** Who the reply must be between, and how the URL is configured. */
export interface ReplyContext {
  config: PushConfig;
  appId: string;
  /** The user's openid: the push's `FromUserName`, the reply's `ToUserName`. */
  openid: string;
  /** The account's original id: the push's `ToUserName`, the reply's `FromUserName`. */
  originalId: string;
}

/** What an HTTP 200 answer makes the user see. */
export type ReplyVerdict =
  | { shown: 'reply'; reply: EmulatorPushReply; encrypted: boolean }
  | { shown: 'nothing' }
  | { shown: 'unavailable'; reason: string };

type Fields = Record<string, unknown>;

// The passive reply types (wechat-push.md section 7).
const REPLY_TYPES = [
  'text',
  'image',
  'voice',
  'video',
  'music',
  'news',
  'transfer_customer_service',
];
// Seconds reach 1e11 in the year 5138; milliseconds passed it in 1973.
const MAX_SECONDS = 1e11;
// Digits enough for milliseconds too, so that mistake gets its own message.
const SECONDS = /^[0-9]{1,16}$/;
// Passive_user_reply_message: "开发者只能回复1条图文消息；其余场景最多可回复8条图文消息".
const MAX_ARTICLES = 8;

/**
 * Judges the body of an HTTP 200 answer as WeChat does. From "被动回复用户消息"
 * (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html):
 * `success` or the empty body ("字节长度为0的空字符串") show nothing; the notice shows when the
 * server "回复了异常数据，比如JSON数据等" (JSON where XML is expected). A reply whose To/From are
 * not the user and the account also gets the notice (wechat-push.md section 5). With the JSON
 * data format the reply must be JSON with the same names (inferred: WeChat documents only the
 * pushes of that format).
 *
 * From "消息加解密说明" (https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.md):
 * compatible mode "公众号回复明文或密文均可"; safe mode "公众号回复的消息体也为密文", so a plain reply
 * there is refused (the doc says what to send, not what WeChat does otherwise: refusing is the
 * choice that makes the app's mistake visible). Plain mode: "公众账号回复明文" (the FAQ), so an
 * encrypted reply there is refused too.
 */
export function judgeReply(body: string, context: ReplyContext): ReplyVerdict {
  if (body === '' || body === 'success') return { shown: 'nothing' };
  const { config } = context;
  const parsed = parse(body, config.format);
  if (typeof parsed === 'string') return unavailable(parsed);
  if ('Encrypt' in parsed) {
    if (config.mode === 'plain') {
      return unavailable('an encrypted reply, but the push URL is in plain mode');
    }
    return encryptedReply(parsed, context);
  }
  if (config.mode === 'safe') {
    return unavailable('a plain reply, but safe mode takes encrypted replies only');
  }
  return plainReply(parsed, context, false);
}

function encryptedReply(envelope: Fields, context: ReplyContext): ReplyVerdict {
  const { config } = context;
  const { Encrypt: encrypt, MsgSignature: signature, Nonce: nonce } = envelope;
  if (typeof encrypt !== 'string' || typeof signature !== 'string' || typeof nonce !== 'string') {
    return unavailable('the encrypted reply lacks Encrypt, MsgSignature or Nonce');
  }
  const timestamp = seconds(envelope.TimeStamp);
  if (timestamp === undefined) {
    return unavailable('the encrypted reply has no TimeStamp in seconds');
  }
  // node-webot/wechat #243: a reply whose TimeStamp was in milliseconds was refused.
  if (Number(timestamp) > MAX_SECONDS) {
    return unavailable('the encrypted reply has its TimeStamp in milliseconds, not seconds');
  }
  const expected = pushSignature(config.token, timestamp, nonce, encrypt);
  if (!signatureMatches(expected, signature)) {
    return unavailable('the MsgSignature of the encrypted reply does not match');
  }
  let decrypted;
  try {
    decrypted = config.cipher!.decrypt(encrypt);
  } catch (error) {
    if (!(error instanceof PushDecryptError)) throw error;
    return unavailable(`the encrypted reply does not decrypt with the key (${error.reason})`);
  }
  if (decrypted.appId !== context.appId) {
    return unavailable("the encrypted reply is encrypted for another appid than the account's");
  }
  // wechat-push.md section 4: "success" and the empty reply are never encrypted.
  if (decrypted.message === '' || decrypted.message === 'success') {
    return unavailable('an encrypted "success" or empty reply: those are sent as they are');
  }
  const inner = parse(decrypted.message, config.format);
  if (typeof inner === 'string') return unavailable(`inside Encrypt, ${inner}`);
  if ('Encrypt' in inner) return unavailable('an encrypted reply inside an encrypted reply');
  return plainReply(inner, context, true);
}

function plainReply(fields: Fields, context: ReplyContext, encrypted: boolean): ReplyVerdict {
  const { ToUserName: to, FromUserName: from, MsgType: type } = fields;
  if (to !== context.openid) {
    return unavailable(
      `the reply's ToUserName is ${show(to)}, not the user's openid ${context.openid}`,
    );
  }
  if (from !== context.originalId) {
    return unavailable(
      `the reply's FromUserName is ${show(from)}, not the account's original id ${context.originalId}`,
    );
  }
  const createTime = seconds(fields.CreateTime);
  if (createTime === undefined) return unavailable('the reply has no CreateTime in seconds');
  if (Number(createTime) > MAX_SECONDS) {
    return unavailable('the reply has its CreateTime in milliseconds, not seconds');
  }
  if (typeof type !== 'string' || !REPLY_TYPES.includes(type)) {
    return unavailable(`the reply's MsgType ${show(type)} is not one of ${REPLY_TYPES.join(', ')}`);
  }
  const problem = contentProblem(type, fields);
  if (problem) return unavailable(problem);
  const reply = { ...fields, CreateTime: Number(createTime) } as EmulatorPushReply;
  return { shown: 'reply', reply, encrypted };
}

// The required fields of each reply type in Passive_user_reply_message's tables.
function contentProblem(type: string, fields: Fields): string | undefined {
  switch (type) {
    case 'text':
      return typeof fields.Content === 'string' ? undefined : 'the text reply has no Content';
    case 'image':
    case 'voice':
    case 'video': {
      const holder = type.charAt(0).toUpperCase() + type.slice(1);
      return nonEmpty(field(fields[holder], 'MediaId'))
        ? undefined
        : `the ${type} reply has no ${holder}/MediaId`;
    }
    case 'music':
      return nonEmpty(field(fields.Music, 'ThumbMediaId'))
        ? undefined
        : 'the music reply has no Music/ThumbMediaId';
    case 'news':
      return newsProblem(fields);
    default:
      return undefined;
  }
}

function newsProblem(fields: Fields): string | undefined {
  const articles = fields.Articles;
  // XML gives <Articles><item>…</item></Articles>; JSON the list itself.
  const items = Array.isArray(articles) ? articles : asList(field(articles, 'item'));
  const count = seconds(fields.ArticleCount);
  if (items.length === 0) return 'the news reply has no Articles/item';
  if (items.length > MAX_ARTICLES) return `the news reply has more than ${MAX_ARTICLES} articles`;
  if (count === undefined || Number(count) !== items.length) {
    return `the news reply's ArticleCount is not the number of its articles (${items.length})`;
  }
  return undefined;
}

/** The parsed answer, or what is wrong with it. */
function parse(text: string, format: PushConfig['format']): Fields | string {
  try {
    return format === 'json' ? parsePushJson(text) : parsePushXml(text);
  } catch (error) {
    const what = format === 'json' ? 'JSON object' : 'XML document';
    return `the answer ${show(text)} is not a ${what} (${(error as Error).message})`;
  }
}

// A whole number of seconds as digits: XML gives text, JSON a number.
function seconds(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  return typeof text === 'string' && SECONDS.test(text) ? text : undefined;
}

/** `holder[name]` when `holder` is an object of fields, else undefined. */
export function field(holder: unknown, name: string): unknown {
  return typeof holder === 'object' && holder !== null && !Array.isArray(holder)
    ? (holder as Fields)[name]
    : undefined;
}

/** One value or several as an array (XML gives one element as itself). */
export function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function unavailable(reason: string): ReplyVerdict {
  return { shown: 'unavailable', reason };
}
