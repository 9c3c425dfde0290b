import { Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { decodeBody, failedCoding, RefusedContentCodingError } from './content-coding.js';

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
    // "gzip, deflate": gzip was applied first, then deflate.
    const sent = deflateSync(gzipSync(TEXT));
    const { body, decoded } = decodeBody(Readable.from([sent]), 'gzip, deflate');
    expect(decoded).toBe(true);
    expect(await read(body)).toEqual(TEXT);
  });

  it.each([
    ['gzip, compress', /is in content coding "compress" that the library neither asked for/],
    ['br', /is in content coding "br" that the library neither/],
    ['__proto__', /is in a coding that the library neither/],
    ['constructor', /is in a coding that the library neither/],
    ['app-secret-0123456789abcdef', /is in a coding that the library neither/],
    ['gzip, gzip, gzip', /is encoded 3 times over; the library decodes at most 2/],
    [Array(10_000).fill('gzip').join(','), /is encoded 10000 times over/],
  ])('refuses %s, and closes the body', (coding, problem) => {
    const body = Readable.from([TEXT]);
    expect(() => decodeBody(body, coding)).toThrow(RefusedContentCodingError);
    expect(() => decodeBody(Readable.from([TEXT]), coding)).toThrow(problem);
    expect(body.destroyed).toBe(true);
  });

  it('tells a decoder’s error (the bytes are not in their coding) from the connection’s', async () => {
    const corrupt = decodeBody(Readable.from([Buffer.from('not gzip at all')]), 'gzip');
    const decoding = await read(corrupt.body).catch((e: unknown) => e);
    expect(decoding).toMatchObject({ code: 'Z_DATA_ERROR' });
    expect(failedCoding(decoding)).toBe('gzip');

    const broken = new Readable({ read: () => undefined });
    const cut = decodeBody(broken, 'deflate');
    broken.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const connection = await read(cut.body).catch((e: unknown) => e);
    expect(connection).toMatchObject({ code: 'ECONNRESET' });
    expect(failedCoding(connection)).toBeUndefined();
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
