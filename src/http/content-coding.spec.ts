import { Readable } from 'node:stream';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { decodeBody, UnknownContentCodingError } from './content-coding.js';

const TEXT = Buffer.from('{"errcode":0}');

async function read(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('decodeBody', () => {
  it.each([undefined, '', 'identity', ' Identity '])('passes %p through as it is', (coding) => {
    const body = Readable.from([TEXT]);
    const result = decodeBody(body, coding);
    expect(result).toEqual({ body, decoded: false });
  });

  it('undoes codings in the reverse of the order listed (RFC 9110 §8.4)', async () => {
    // "gzip, br": gzip was applied first, then br.
    const sent = brotliCompressSync(gzipSync(TEXT));
    const { body, decoded } = decodeBody(Readable.from([sent]), 'gzip, br');
    expect(decoded).toBe(true);
    expect(await read(body)).toEqual(TEXT);
  });

  it('refuses a coding it does not decode, and closes the body', () => {
    const body = Readable.from([TEXT]);
    expect(() => decodeBody(body, 'gzip, compress')).toThrow(
      new UnknownContentCodingError('compress'),
    );
    expect(body.destroyed).toBe(true);
  });

  it('closes the sender’s body when the decoded one is destroyed', async () => {
    const sent = new Readable({ read: () => undefined });
    sent.push(gzipSync(TEXT).subarray(0, 5));
    const { body } = decodeBody(sent, 'gzip');
    body.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent.destroyed).toBe(true);
  });
});
