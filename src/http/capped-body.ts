import { type Readable } from 'node:stream';

/** The answer's body went past the limit: it was not read further. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';

  constructor(readonly limitBytes: number) {
    super(`the body is larger than ${limitBytes} bytes`);
  }
}

/**
 * Reads a whole body of at most `limitBytes`. A larger one (declared so, or found so on the way)
 * is destroyed at once, its connection with it: no more of it is read or held.
 */
export async function readCappedBody(
  body: Readable,
  limitBytes: number,
  declaredLength?: number,
): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength > limitBytes) {
    body.destroy();
    throw new BodyTooLargeError(limitBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      body.destroy();
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
