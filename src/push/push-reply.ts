import type { PushCipher } from './push-cipher.js';
import { pushSignature } from './push-signature.js';

/** A text reply. */
export interface WeChatTextReply {
  readonly type: 'text';
  readonly content: string;
}

/** An image reply: a media id from the material API. */
export interface WeChatImageReply {
  readonly type: 'image';
  readonly mediaId: string;
}

/** A voice reply: a media id from the material API. */
export interface WeChatVoiceReply {
  readonly type: 'voice';
  readonly mediaId: string;
}

/** A video reply. */
export interface WeChatVideoReply {
  readonly type: 'video';
  readonly mediaId: string;
  readonly title?: string;
  readonly description?: string;
}

/** A music reply; only the thumbnail's media id is required. */
export interface WeChatMusicReply {
  readonly type: 'music';
  readonly title?: string;
  readonly description?: string;
  readonly musicUrl?: string;
  readonly hqMusicUrl?: string;
  readonly thumbMediaId: string;
}

/** The article of a news reply. */
export interface WeChatNewsArticle {
  readonly title: string;
  readonly description?: string;
  readonly picUrl?: string;
  readonly url?: string;
}

/** A news reply: exactly one article (wechat-push.md section 7). */
export interface WeChatNewsReply {
  readonly type: 'news';
  readonly articles: readonly WeChatNewsArticle[];
}

/** Hands the message to the customer-service system, to one agent when `kfAccount` is given. */
export interface WeChatTransferReply {
  readonly type: 'transfer_customer_service';
  readonly kfAccount?: string;
}

/** A passive reply to a pushed message (wechat-push.md section 7). */
export type WeChatReplyMessage =
  | WeChatTextReply
  | WeChatImageReply
  | WeChatVoiceReply
  | WeChatVideoReply
  | WeChatMusicReply
  | WeChatNewsReply
  | WeChatTransferReply;

/** The data format configured for the push URL (wechat-push.md section 1). */
export type PushReplyFormat = 'xml' | 'json';

// wechat-push.md section 7: WeChat shows one article of a passive news reply since 2018-10-12.
const MAX_ARTICLES = 1;
// Seconds reach 1e11 in the year 5138; milliseconds passed it in 1973. Section 4: a peer that sent
// milliseconds had its safe-mode replies refused.
const MAX_SECONDS = 1e11;

/** Builds validated, frozen passive replies. */
export const WeChatReply = Object.freeze({
  /** A text reply; `content` may hold line breaks, which the client shows. */
  text(content: string): WeChatTextReply {
    return build({ type: 'text', content });
  },

  /** An image reply of an uploaded image's media id. */
  image(mediaId: string): WeChatImageReply {
    return build({ type: 'image', mediaId });
  },

  /** A voice reply of an uploaded voice's media id. */
  voice(mediaId: string): WeChatVoiceReply {
    return build({ type: 'voice', mediaId });
  },

  /** A video reply of an uploaded video's media id. */
  video(mediaId: string, options: { title?: string; description?: string } = {}): WeChatVideoReply {
    const fields = defined(options, ['title', 'description'], 'The video options');
    return build({ type: 'video', mediaId, ...fields });
  },

  /** A music reply; `thumbMediaId` is required. */
  music(options: Omit<WeChatMusicReply, 'type'>): WeChatMusicReply {
    const keys = ['title', 'description', 'musicUrl', 'hqMusicUrl', 'thumbMediaId'] as const;
    const fields = defined(options, keys, 'The music options');
    return build({ type: 'music', ...fields } as WeChatMusicReply);
  },

  /** A news reply of one article: WeChat shows no more since 2018-10-12 (section 7). */
  news(article: WeChatNewsArticle): WeChatNewsReply {
    // An array (the pre-2018 shape) gets the article-count error rather than a confusing one.
    const articles: unknown[] = Array.isArray(article) ? article : [article];
    const keys = ['title', 'description', 'picUrl', 'url'] as const;
    const copies = articles.map((a) => (isObject(a) ? defined(a, keys, 'The article') : a));
    return build({ type: 'news', articles: copies as WeChatNewsArticle[] });
  },

  /** Hands the message to customer service, to the agent `kfAccount` when given. */
  transferToCustomerService(kfAccount?: string): WeChatTransferReply {
    return build({
      type: 'transfer_customer_service',
      ...(kfAccount === undefined ? {} : { kfAccount }),
    });
  },
});

/**
 * The reply as WeChat's XML (wechat-push.md section 7): `to` is the user (the message's
 * `FromUserName`), `from` the account (its `ToUserName`). Text goes in CDATA, `]]>` split across
 * two sections. Characters XML 1.0 cannot carry at all (control characters other than tab, line
 * feed and carriage return, lone surrogates, U+FFFE, U+FFFF) are removed: no escape exists for
 * them, they are invisible in the client, and refusing would turn a stray character into no reply
 * at all. Throws `TypeError`/`RangeError` for an invalid reply or a CreateTime not in seconds.
 */
export function renderReplyXml(
  reply: WeChatReplyMessage,
  to: string,
  from: string,
  createTimeSeconds: number,
): string {
  return toXml(replyFields(reply, to, from, createTimeSeconds));
}

/**
 * The reply for the JSON data format, with the XML's names (`Content`, `Image: { MediaId }`,
 * `Articles: [{ Title, ... }]`, `TransInfo: { KfAccount }`). WeChat documents its JSON format for
 * the messages it pushes, which mirror the XML names; that replies do the same is inferred, not
 * documented. Text is kept as given: JSON can escape every character. Throws as `renderReplyXml`.
 */
export function renderReplyJson(
  reply: WeChatReplyMessage,
  to: string,
  from: string,
  createTimeSeconds: number,
): string {
  // JSON.stringify leaves out the undefined optional fields, as `toXml` does.
  return JSON.stringify(replyFields(reply, to, from, createTimeSeconds));
}

/**
 * WeChat's fields, in its element order; an undefined field is left out and an array is a list of
 * `<item>` elements in XML.
 */
interface WeChatFields {
  readonly [name: string]: WeChatField;
}
type WeChatField = string | number | undefined | WeChatFields | readonly WeChatFields[];

/** The one mapping from a reply to WeChat's field names, which both formats serialise. */
function replyFields(
  reply: WeChatReplyMessage,
  to: string,
  from: string,
  createTimeSeconds: number,
): WeChatFields {
  assertReply(reply);
  return { ...header(to, from, createTimeSeconds), MsgType: reply.type, ...bodyFields(reply) };
}

function bodyFields(reply: WeChatReplyMessage): WeChatFields {
  switch (reply.type) {
    case 'text':
      return { Content: reply.content };
    case 'image':
      return { Image: { MediaId: reply.mediaId } };
    case 'voice':
      return { Voice: { MediaId: reply.mediaId } };
    case 'video':
      return {
        Video: { MediaId: reply.mediaId, Title: reply.title, Description: reply.description },
      };
    case 'music':
      return {
        Music: {
          Title: reply.title,
          Description: reply.description,
          MusicUrl: reply.musicUrl,
          HQMusicUrl: reply.hqMusicUrl,
          ThumbMediaId: reply.thumbMediaId,
        },
      };
    case 'news':
      return { ArticleCount: reply.articles.length, Articles: reply.articles.map(articleFields) };
    case 'transfer_customer_service':
      return {
        TransInfo: reply.kfAccount === undefined ? undefined : { KfAccount: reply.kfAccount },
      };
  }
}

function articleFields(article: WeChatNewsArticle): WeChatFields {
  return {
    Title: article.title,
    Description: article.description,
    PicUrl: article.picUrl,
    Url: article.url,
  };
}

/** What `renderEncryptedReply` needs: the account's cipher and token, and the plain reply. */
export interface EncryptedReplyOptions {
  /** The cipher of the EncodingAESKey that decrypted the message (section 1: key rotation). */
  cipher: PushCipher;
  /** The appId the reply is encrypted for (Open Platform: the platform's component appid). */
  appId: string;
  token: string;
  /** The rendered plain reply (`renderReplyXml` or `renderReplyJson`). */
  plaintextReply: string;
  format: PushReplyFormat;
  timestampSeconds: number;
  nonce: string;
  /** Only for test vectors: the 16 random bytes the cipher would draw. */
  random16?: Buffer;
}

/**
 * The safe-mode envelope of a reply (wechat-push.md section 4): `Encrypt`, `MsgSignature` =
 * sha1 of sorted token, TimeStamp, Nonce, Encrypt, `TimeStamp` in seconds and `Nonce`, as XML or
 * as JSON (`TimeStamp` a number, the others strings). Refuses "success" and the empty reply,
 * which are sent as they are, never encrypted.
 */
export function renderEncryptedReply(options: EncryptedReplyOptions): string {
  const { cipher, appId, token, plaintextReply, format, timestampSeconds, nonce, random16 } =
    options;
  requireString(appId, 'appId');
  requireString(token, 'token');
  requireString(nonce, 'nonce');
  if (typeof plaintextReply !== 'string') throw new TypeError('plaintextReply must be a string');
  if (plaintextReply === '' || plaintextReply === 'success') {
    throw new RangeError('"success" and the empty reply are sent as they are, never encrypted');
  }
  // The nonce is signed, so removing a character would break the signature: refuse it instead.
  if (nonce.search(FORBIDDEN_IN_XML) !== -1) {
    throw new RangeError('nonce holds a character XML cannot carry');
  }
  const timestamp = seconds(timestampSeconds, 'timestampSeconds');
  const encrypt = cipher.encrypt(plaintextReply, appId, random16);
  const signature = pushSignature(token, String(timestamp), nonce, encrypt);
  const envelope = {
    Encrypt: encrypt,
    MsgSignature: signature,
    TimeStamp: timestamp,
    Nonce: nonce,
  };
  if (format === 'json') return JSON.stringify(envelope);
  if (format !== 'xml') throw new RangeError("format must be 'xml' or 'json'");
  // The element order of toXml(envelope), written out: Encrypt is base64 and MsgSignature hex,
  // which need no escaping, and this is on every encrypted reply's path.
  return (
    `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt>` +
    `<MsgSignature><![CDATA[${signature}]]></MsgSignature>` +
    `<TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
  );
}

function toXml(fields: WeChatFields): string {
  return `<xml>${xmlElements(fields)}</xml>`;
}

function xmlElements(fields: WeChatFields): string {
  return Object.entries(fields)
    .map(([name, value]) => xmlElement(name, value))
    .join('');
}

function xmlElement(name: string, value: WeChatField): string {
  return value === undefined ? '' : `<${name}>${xmlContent(value)}</${name}>`;
}

function xmlContent(value: Exclude<WeChatField, undefined>): string {
  if (typeof value === 'string') return cdata(value);
  if (typeof value === 'number') return String(value);
  if (isFieldList(value)) return value.map((item) => xmlElement('item', item)).join('');
  return xmlElements(value);
}

// Array.isArray does not narrow a readonly array out of a union.
function isFieldList(
  value: WeChatFields | readonly WeChatFields[],
): value is readonly WeChatFields[] {
  return Array.isArray(value);
}

// XML 1.0's Char production leaves these out; with the u flag a surrogate pair is one code point,
// so only lone surrogates match the surrogate range. Global, for replace; search ignores that.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_IN_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/gu;

function cdata(text: string): string {
  // Section 7: "]]>" would end the section; the "]]" closes one and ">" opens the next.
  return `<![CDATA[${text.replace(FORBIDDEN_IN_XML, '').replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function header(
  to: string,
  from: string,
  createTimeSeconds: number,
): { ToUserName: string; FromUserName: string; CreateTime: number } {
  requireString(to, 'to');
  requireString(from, 'from');
  const createTime = seconds(createTimeSeconds, 'createTimeSeconds');
  return { ToUserName: to, FromUserName: from, CreateTime: createTime };
}

function seconds(value: number, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number of seconds`);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be whole seconds since the epoch`);
  }
  if (value > MAX_SECONDS) {
    throw new RangeError(`${name} looks like milliseconds: WeChat wants seconds`);
  }
  return value;
}

function build<T extends WeChatReplyMessage>(reply: T): T {
  assertReply(reply);
  if (reply.type === 'news') {
    for (const article of reply.articles) Object.freeze(article);
    Object.freeze(reply.articles);
  }
  return Object.freeze(reply);
}

// Renderers check too: a reply may be an object literal that never went through WeChatReply.
function assertReply(reply: WeChatReplyMessage): void {
  if (!isObject(reply)) throw new TypeError('A reply must be an object');
  const what = `The ${String(reply.type)} reply's`;
  switch (reply.type) {
    case 'text':
      requireString(reply.content, `${what} content`);
      return;
    case 'image':
    case 'voice':
      requireString(reply.mediaId, `${what} mediaId`);
      return;
    case 'video':
      requireString(reply.mediaId, `${what} mediaId`);
      optionalString(reply.title, `${what} title`);
      optionalString(reply.description, `${what} description`);
      return;
    case 'music':
      optionalString(reply.title, `${what} title`);
      optionalString(reply.description, `${what} description`);
      optionalString(reply.musicUrl, `${what} musicUrl`);
      optionalString(reply.hqMusicUrl, `${what} hqMusicUrl`);
      requireString(reply.thumbMediaId, `${what} thumbMediaId`);
      return;
    case 'news':
      assertArticles(reply.articles);
      return;
    case 'transfer_customer_service':
      // Optional, but TransInfo with an empty KfAccount would name no agent.
      if (reply.kfAccount !== undefined) requireString(reply.kfAccount, `${what} kfAccount`);
      return;
    default:
      throw new TypeError('A reply type must be one of WeChat passive reply types');
  }
}

function assertArticles(articles: readonly WeChatNewsArticle[]): void {
  if (!Array.isArray(articles)) throw new TypeError("A news reply's articles must be an array");
  if (articles.length === 0) throw new RangeError('A news reply needs an article');
  if (articles.length > MAX_ARTICLES) {
    throw new RangeError(
      `A news reply holds 1 article, not ${articles.length}: WeChat shows no more since 2018-10-12`,
    );
  }
  for (const article of articles) {
    if (!isObject(article)) throw new TypeError("A news reply's article must be an object");
    requireString(article.title, "A news article's title");
    optionalString(article.description, "A news article's description");
    optionalString(article.picUrl, "A news article's picUrl");
    optionalString(article.url, "A news article's url");
  }
}

function requireString(value: unknown, what: string): void {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  if (value === '') throw new RangeError(`${what} must not be empty`);
}

function optionalString(value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'string') {
    throw new TypeError(`${what} must be a string when given`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// A copy of the named keys that are not undefined, so a frozen reply holds no extra keys and no
// object of the caller's.
function defined<T extends object, K extends keyof T>(
  source: T,
  keys: readonly K[],
  what: string,
): Partial<Pick<T, K>> {
  if (!isObject(source)) throw new TypeError(`${what} must be an object`);
  const copy: Partial<Pick<T, K>> = {};
  for (const key of keys) {
    if (source[key] !== undefined) copy[key] = source[key];
  }
  return copy;
}
