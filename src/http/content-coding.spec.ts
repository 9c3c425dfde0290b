import { Readable } from 'node:stream';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { decodeBody, RefusedContentCodingError } from './content-coding.js';

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

  it.each([
    ['gzip, compress', /is in content coding "compress", which the library neither/],
    ['__proto__', /is in content coding "__proto__"/],
    ['constructor', /is in content coding "constructor"/],
    ['gzip, gzip, gzip', /is encoded 3 times over; the library decodes at most 2/],
    [Array(10_000).fill('br').join(','), /is encoded 10000 times over/],
  ])('refuses %s, and closes the body', (coding, problem) => {
    const body = Readable.from([TEXT]);
    expect(() => decodeBody(body, coding)).toThrow(RefusedContentCodingError);
    expect(() => decodeBody(Readable.from([TEXT]), coding)).toThrow(problem);
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
