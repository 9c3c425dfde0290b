import { PushCipher, PushDecryptError } from './push-cipher.js';
import { parsePushJson, PushJsonError } from './push-json.js';
import { PushMessageError, toWeChatPush } from './push-message.js';
import { type WeChatPush } from './push-message.types.js';
import { type PushReplyFormat } from './push-reply.js';
import { pushSignature, signatureMatches } from './push-signature.js';
import { parsePushXml, PushXmlError } from './push-xml.js';

/** What opening a push needs: the account and the console's settings. */
export interface PushEnvelopeSettings {
  appId: string;
  token: string;
  /** The current key's cipher first, then the previous key's; empty without a key. */
  ciphers: PushCipher[];
  requireEncryption: boolean;
}

/** A verified, decrypted and typed push, and how to answer it. */
export interface OpenedPush {
  push: WeChatPush;
  format: PushReplyFormat;
  /** The cipher that decrypted it, when it came with `encrypt_type=aes`: replies use it. */
  cipher?: PushCipher;
}

/** Why a request is refused: the status and a short reason (the answer's body; never a value). */
export class PushRejection extends Error {
  override readonly name = 'PushRejection';

  constructor(
    readonly status: 400 | 401 | 403 | 408 | 413,
    reason: string,
  ) {
    super(reason);
  }
}

/** The body as the endpoint got it: its text, or an object another JSON parser already made. */
export type PushBody = string | Record<string, unknown>;

/**
 * The answer to WeChat's URL verification (wechat-push.md section 2): `echostr` when `signature`
 * signs token, timestamp and nonce; else a 401 rejection.
 */
export function verifyPushUrl(query: Record<string, unknown>, token: string): string {
  checkSignature(query, token);
  const echo = query.echostr;
  if (typeof echo !== 'string' || echo === '') throw new PushRejection(400, 'missing echostr');
  return echo;
}

/**
 * Opens a POSTed push (wechat-push.md sections 3 and 4): `signature` always, then, with
 * `encrypt_type=aes`, `msg_signature` over the `Encrypt` value before anything is decrypted
 * (the signature is what keeps tampered ciphertexts out), each key in turn, the appId inside
 * checked. Throws `PushRejection`.
 */
export function openPush(
  query: Record<string, unknown>,
  body: PushBody,
  settings: PushEnvelopeSettings,
): OpenedPush {
  checkSignature(query, settings.token);
  const encryptType = query.encrypt_type;
  const encrypted = encryptType === 'aes';
  if (!encrypted && encryptType !== undefined && encryptType !== 'raw') {
    throw new PushRejection(400, 'unknown encrypt_type');
  }
  if (!encrypted && settings.requireEncryption) {
    throw new PushRejection(403, 'this endpoint takes encrypted pushes only');
  }
  const { fields, format } = readBody(body);
  if (!encrypted) return { push: typed(fields), format };

  const ciphertext = fields.Encrypt;
  if (typeof ciphertext !== 'string' || ciphertext === '') {
    throw new PushRejection(400, 'encrypt_type=aes without Encrypt');
  }
  const expected = pushSignature(
    settings.token,
    String(query.timestamp),
    String(query.nonce),
    ciphertext,
  );
  if (!signatureMatches(expected, query.msg_signature)) {
    throw new PushRejection(401, 'bad msg_signature');
  }
  if (settings.ciphers.length === 0) {
    throw new PushRejection(400, 'encrypted push, but no EncodingAESKey is configured');
  }
  for (const cipher of settings.ciphers) {
    const message = decryptFor(cipher, ciphertext, settings.appId);
    if (message !== undefined) {
      return { push: typed(readBody(message).fields), format, cipher };
    }
  }
  throw new PushRejection(400, 'cannot decrypt for this account');
}

function checkSignature(query: Record<string, unknown>, token: string): void {
  const { timestamp, nonce, signature } = query;
  if (typeof timestamp !== 'string' || typeof nonce !== 'string') {
    throw new PushRejection(401, 'bad signature');
  }
  if (!signatureMatches(pushSignature(token, timestamp, nonce), signature)) {
    throw new PushRejection(401, 'bad signature');
  }
}

// One that does not decrypt, or decrypts for another appId, is not this key's (or account's).
function decryptFor(cipher: PushCipher, ciphertext: string, appId: string): string | undefined {
  try {
    const opened = cipher.decrypt(ciphertext);
    return opened.appId === appId ? opened.message : undefined;
  } catch (error) {
    if (error instanceof PushDecryptError) return undefined;
    throw error;
  }
}

function readBody(body: PushBody): { fields: Record<string, unknown>; format: PushReplyFormat } {
  if (typeof body !== 'string') return { fields: body, format: 'json' };
  const start = body.search(/\S/);
  try {
    if (body[start] === '<') return { fields: parsePushXml(body), format: 'xml' };
    if (body[start] === '{') return { fields: parsePushJson(body), format: 'json' };
  } catch (error) {
    if (error instanceof PushXmlError || error instanceof PushJsonError) {
      throw new PushRejection(400, error.message);
    }
    throw error;
  }
  throw new PushRejection(400, 'the body is neither XML nor JSON');
}

function typed(fields: Record<string, unknown>): WeChatPush {
  try {
    return toWeChatPush(fields);
  } catch (error) {
    if (error instanceof PushMessageError) throw new PushRejection(400, error.message);
    throw error;
  }
}
