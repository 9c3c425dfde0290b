import { pipeline, type Readable, type Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

/**
 * What JSON answers are asked in: the codings `decodeBody` undoes. Not br: a brotli decoder
 * fills its window (up to 16 MiB) before its first output, so a 50-byte answer would cost
 * 16 MiB before `jsonLimitBytes` could be checked; gzip and deflate hand out 16 KiB at a time.
 */
export const JSON_CODINGS = 'gzip, deflate';
/**
 * What files are asked in: as stored, so that the Content-Length is the file's length and no
 * small compressed answer can inflate into a file far larger than it announced.
 */
export const FILE_CODINGS = 'identity';

// Real servers apply one coding; a long list would cost a decoder (and its memory) per entry,
// and nested compression multiplies how far a small answer inflates.
const MOST_CODINGS = 2;

const DECODERS = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
]);

// The codings IANA registers (HTTP Content Coding Registry), named in a refusal. Any other name
// is upstream text, which may echo a secret of the request, so it is never quoted.
const REGISTERED_CODINGS = new Set([
  'aes128gcm',
  'br',
  'compress',
  'dcb',
  'dcz',
  'deflate',
  'exi',
  'gzip',
  'pack200-gzip',
  'x-compress',
  'x-gzip',
  'zstd',
]);

/** The answer's `Content-Encoding` is not one the library decodes; `problem` says why. */
export class RefusedContentCodingError extends Error {
  override name = 'RefusedContentCodingError';

  constructor(readonly problem: string) {
    super(`the answer ${problem}`);
  }
}

/** A body as its sender meant it, and whether it had to be decoded on the way. */
export interface DecodedBody {
  body: Readable;
  /** True when the bytes sent were encoded: their Content-Length is not the body's length. */
  decoded: boolean;
}

// Errors raised by a decoder (the bytes are not what their coding says), with that coding: they
// reach the reader as they are, and are told from a connection's errors by this.
const decodingFailures = new WeakMap<object, string>();

/**
 * The coding whose decoder raised `error` (the body arrived, but is not valid in it), or
 * undefined for any other error (a connection broken off, a timeout).
 */
export function failedCoding(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? decodingFailures.get(error) : undefined;
}

/**
 * The body with its `Content-Encoding` undone (codings listed in the order they were applied,
 * RFC 9110 §8.4), so a decoding error fails the returned stream and destroying it closes the
 * connection. A coding other than gzip and deflate, or more than two codings, is refused and the
 * body destroyed.
 */
export function decodeBody(body: Readable, contentEncoding: unknown): DecodedBody {
  const codings = String(contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return { body, decoded: false };
  const problem = refusal(codings);
  if (problem !== undefined) {
    body.destroy();
    throw new RefusedContentCodingError(problem);
  }
  // The pipeline hands each stream's error on to the others: an error is a decoder's own only if
  // it reached no stream before (the connection's reach the body first).
  const seen = new WeakSet<object>();
  body.once('error', (error) => seen.add(error));
  const decoders = codings.reverse().map((coding) => {
    const decoder = DECODERS.get(coding)!();
    decoder.once('error', (error) => {
      if (!seen.has(error)) decodingFailures.set(error, coding);
      seen.add(error);
    });
    return decoder;
  });
  const decoded = pipeline([body, ...decoders], () => undefined) as unknown as Readable;
  return { body: decoded, decoded: true };
}

function refusal(codings: string[]): string | undefined {
  const unknown = codings.find((coding) => !DECODERS.has(coding));
  if (unknown !== undefined) {
    const named = REGISTERED_CODINGS.has(unknown) ? `content coding "${unknown}"` : 'a coding';
    return `is in ${named} that the library neither asked for nor decodes`;
  }
  if (codings.length > MOST_CODINGS) {
    return `is encoded ${codings.length} times over; the library decodes at most ${MOST_CODINGS}`;
  }
  return undefined;
}
