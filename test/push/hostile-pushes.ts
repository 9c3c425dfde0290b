import { createCipheriv, createDecipheriv } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { PushCipher } from '../../src/push/push-cipher.js';
import { pushSignature } from '../../src/push/push-signature.js';
import { type Format, type Mode, pushBody } from './push-requests.js';
import { PUSH_TOKEN } from './push-test-app.js';

/** A small seeded PRNG (mulberry32): the same seed, the same requests. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** `n` characters drawn from `alphabet`. */
  text(n: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
}

/** A request to send as is: the path with its query, headers, and a body sent whole or chunked. */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
  /** Sent with `Transfer-Encoding: chunked` and no `Content-Length`, 8 KiB a chunk. */
  chunked?: boolean;
}

export interface RawAnswer {
  /** 0 when the connection ended without an answer. */
  status: number;
  contentType: string;
  text: string;
  ms: number;
  /** Bytes of a chunked body not yet sent when the answer came. */
  unsent: number;
  /** Why there was no answer, when there was none. */
  error?: string;
}

const CHUNK = 8192;
// A chunked body stops after this many bytes past the endpoint's limit until the answer comes
// (or HOLD_MS pass): the server must refuse without the rest, and a client that wrote on while the
// server closed would get EPIPE before it read the answer.
const HOLD_PAST = 16_384;
const HOLD_MS = 2000;

/**
 * Sends `raw` to `origin` with node:http (which, unlike fetch, sends any method, header and
 * chunked body). A chunked body is written a chunk at a time, letting I/O run between chunks, and
 * no more of it once the answer arrives, as a client does when a server refuses early; past
 * `limit` + 16 KiB it waits for the answer. Never rejects.
 */
export function send(origin: string, raw: RawRequest, limit = 65_536): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const body = raw.body === undefined ? undefined : Buffer.from(raw.body);
    const headers: Record<string, string | string[]> = { ...raw.headers };
    if (raw.chunked) headers['Transfer-Encoding'] = 'chunked';
    else if (body !== undefined && !hasHeader(headers, 'content-length')) {
      headers['Content-Length'] = String(body.length);
    }
    let offset = 0;
    let status = 0;
    let contentType = '';
    let hold: NodeJS.Timeout | undefined;
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(hold);
      resolve({
        status,
        contentType,
        text: Buffer.concat(chunks).toString('utf8'),
        ms: Date.now() - started,
        unsent: body && raw.chunked ? body.length - offset : 0,
        error: status === 0 ? (error?.message ?? 'no answer') : undefined,
      });
      req.destroy();
    };
    const req = httpRequest(`${origin}${raw.path}`, { method: raw.method, headers, agent: false });
    req.on('error', finish);
    // Without an answer, 'close' is the end; with one, its own end or close is.
    req.on('close', () => {
      if (status === 0) setImmediate(finish);
    });
    req.on('response', (response) => {
      status = response.statusCode ?? 0;
      contentType = String(response.headers['content-type'] ?? '');
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => finish());
      response.on('error', finish);
      response.on('close', () => finish());
    });
    if (!raw.chunked || body === undefined) {
      req.end(body);
      return;
    }
    let held = false;
    const writeNext = (): void => {
      if (status !== 0 || done) return;
      if (offset >= body.length) {
        req.end();
        return;
      }
      if (!held && offset >= limit + HOLD_PAST) {
        held = true;
        hold = setTimeout(writeNext, HOLD_MS);
        return;
      }
      const chunk = body.subarray(offset, offset + CHUNK);
      offset += chunk.length;
      // A timer, then setImmediate: one poll for I/O in between, so an answer is seen first.
      req.write(chunk, () => setTimeout(() => setImmediate(writeNext), 1));
    };
    writeNext();
  });
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Runs `work` over `items`, at most `limit` at a time; results in the order of `items`. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The query of a push: timestamp, nonce, their `signature`, and anything in `extra`. */
export function signedQuery(
  timestamp: string,
  nonce: string,
  extra: Record<string, string> = {},
  token = PUSH_TOKEN,
): string {
  const params = new URLSearchParams({
    signature: pushSignature(token, timestamp, nonce),
    timestamp,
    nonce,
    openid: 'oHostile1',
    ...extra,
  });
  return params.toString();
}

/** WeChat's plaintext frame before padding: random(16), uint32 BE length, message, appId. */
export function frame(message: string, appId: string, random16: Buffer): Buffer {
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([random16, length, body, Buffer.from(appId, 'utf8')]);
}

function aesKeyOf(encodingAesKey: string): Buffer {
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

/** AES-256-CBC of `plain` (a whole number of 16-byte blocks, padded by the caller) as base64. */
export function encryptRaw(encodingAesKey: string, plain: Buffer): string {
  const key = aesKeyOf(encodingAesKey);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** `frame` padded the WeChat way (PKCS#7 to 32) and encrypted, deterministic for a given random16. */
export function encryptFor(
  encodingAesKey: string,
  message: string,
  appId: string,
  random16: Buffer,
): string {
  return new PushCipher(encodingAesKey).encrypt(message, appId, random16);
}

/**
 * Whether `encrypt` would still open for `appId` with this key (good padding 1..32, a length
 * that fits, the appId at the end): the reference check for a mutated ciphertext, independent
 * of the code under test.
 */
export function stillOpens(encodingAesKey: string, encrypt: string, appId: string): boolean {
  const data = Buffer.from(encrypt, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) return false;
  const key = aesKeyOf(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(data), decipher.final()]);
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > 32 || pad > plain.length) return false;
  for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) return false;
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < 20) return false;
  const end = 20 + body.readUInt32BE(16);
  return end <= body.length && body.toString('utf8', end) === appId;
}

/** A push built deterministically: its query and body, and the ciphertext when encrypted. */
export interface BuiltPush {
  query: string;
  body: string;
  contentType: string;
  timestamp: string;
  nonce: string;
  encrypt?: string;
}

/** A push like `signedPush` of push-requests.ts, but with the timestamp, nonce and random given. */
export function buildPush(
  fields: Record<string, unknown>,
  options: {
    mode: Mode;
    format: Format;
    appId: string;
    key: string;
    timestamp: string;
    nonce: string;
    random16: Buffer;
  },
): BuiltPush {
  const { timestamp, nonce } = options;
  const plain = pushBody(fields, options.format);
  const contentType = options.format === 'json' ? 'application/json' : 'text/xml';
  if (options.mode === 'plain') {
    return { query: signedQuery(timestamp, nonce), body: plain, contentType, timestamp, nonce };
  }
  const encrypt = encryptFor(options.key, plain, options.appId, options.random16);
  const outer =
    options.mode === 'safe'
      ? { ToUserName: fields.ToUserName, Encrypt: encrypt }
      : { ...fields, Encrypt: encrypt };
  return {
    query: encryptedQuery(timestamp, nonce, encrypt),
    body: pushBody(outer, options.format),
    contentType,
    timestamp,
    nonce,
    encrypt,
  };
}

/** The body of an encrypted push with `encrypt` in place of its ciphertext. */
export function withEncrypt(
  fields: Record<string, unknown>,
  format: Format,
  encrypt: string,
): string {
  return pushBody({ ToUserName: fields.ToUserName, Encrypt: encrypt }, format);
}

/** The query of an encrypted push whose `msg_signature` signs `encrypt` (the token holder's). */
export function encryptedQuery(
  timestamp: string,
  nonce: string,
  encrypt: string,
  extra: Record<string, string> = {},
): string {
  return signedQuery(timestamp, nonce, {
    encrypt_type: 'aes',
    msg_signature: pushSignature(PUSH_TOKEN, timestamp, nonce, encrypt),
    ...extra,
  });
}
