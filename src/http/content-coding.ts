import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** What JSON answers are asked in: the codings `decodeBody` undoes. */
export const JSON_CODINGS = 'gzip, deflate, br';
/**
 * What files are asked in: as stored, so that the Content-Length is the file's length and no
 * small compressed answer can inflate into a file far larger than it announced.
 */
export const FILE_CODINGS = 'identity';

// Real servers apply one coding; a long list would cost a decoder (and its memory) per entry,
// and nested compression multiplies how far a small answer inflates.
const MOST_CODINGS = 2;

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

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

/**
 * The body with its `Content-Encoding` undone (codings listed in the order they were applied,
 * RFC 9110 §8.4), so a decoding error fails the returned stream and destroying it closes the
 * connection. A coding other than gzip, deflate and br, or more than two codings, is refused and
 * the body destroyed.
 */
export function decodeBody(body: Readable, contentEncoding: unknown): DecodedBody {
  const codings = String(contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return { body, decoded: false };
  const unknown = codings.find((coding) => !Object.hasOwn(DECODERS, coding));
  const problem =
    unknown !== undefined
      ? `is in content coding "${unknown.slice(0, 40)}", which the library neither asked for ` +
        'nor decodes'
      : codings.length > MOST_CODINGS
        ? `is encoded ${codings.length} times over; the library decodes at most ${MOST_CODINGS}`
        : undefined;
  if (problem !== undefined) {
    body.destroy();
    throw new RefusedContentCodingError(problem);
  }
  const decoders = codings.reverse().map((coding) => DECODERS[coding]());
  const decoded = pipeline([body, ...decoders], () => undefined) as unknown as Readable;
  return { body: decoded, decoded: true };
}
