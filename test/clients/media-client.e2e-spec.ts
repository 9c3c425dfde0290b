import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { MediaClient, WeChatArgumentError } from '../../src/index.js';
import { startClientApp } from './client-app.js';

const SIZE = 8 * 1024 * 1024; // within WeChat's 10 MB for images
const CHUNK = 64 * 1024;

/** `size` bytes of a repeatable pattern, produced chunk by chunk (never whole in memory). */
function patternStream(size: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const length = Math.min(CHUNK, size - sent);
      const chunk = Buffer.alloc(length, (sent / CHUNK) % 251);
      sent += length;
      this.push(chunk);
    },
  });
}

async function sha256(stream: Readable): Promise<{ hash: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { hash: hash.digest('hex'), bytes };
}

/** The peak growth of memory outside the JS heap's old objects while `work` runs. */
async function peakMemoryGrowth(work: () => Promise<void>): Promise<number> {
  global.gc?.();
  const baseline = process.memoryUsage();
  let peak = 0;
  const sample = () => {
    const now = process.memoryUsage();
    peak = Math.max(
      peak,
      now.arrayBuffers - baseline.arrayBuffers + (now.heapUsed - baseline.heapUsed),
    );
  };
  const timer = setInterval(sample, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
    sample();
  }
  return peak;
}

describe('MediaClient', () => {
  let app: Awaited<ReturnType<typeof startClientApp>>;
  let media: MediaClient;

  beforeEach(async () => {
    app = await startClientApp();
    media = app.moduleRef.get(MediaClient);
  });
  afterEach(async () => app.close());

  it('uploads and downloads a multi-megabyte file as streams, bytes intact, memory bounded', async () => {
    const expected = await sha256(patternStream(SIZE));
    let downloaded: { hash: string; bytes: number } | undefined;
    const growth = await peakMemoryGrowth(async () => {
      const uploaded = await media.uploadTemporary('image', {
        filename: 'big.jpg',
        body: () => patternStream(SIZE),
      });
      expect(uploaded).toMatchObject({ type: 'image', mediaId: expect.any(String) });
      const download = await media.downloadTemporary(uploaded.mediaId);
      expect(download.contentType).toMatch(/^image\//);
      expect(download.filename).toBe('big.jpg');
      downloaded = await sha256(download.stream);
    });
    expect(downloaded).toEqual(expected);
    // Streams hold a few chunks at a time; a buffered copy would be the whole file (8 MB) or more.
    expect(growth).toBeLessThan(SIZE / 2);
  });

  it('uploads a Buffer with its length, and a plain stream once', async () => {
    const small = Buffer.from('voice bytes');
    const voice = await media.uploadTemporary('voice', { filename: 'hello.amr', body: small });
    expect((await sha256((await media.downloadTemporary(voice.mediaId)).stream)).bytes).toBe(
      small.length,
    );
    const thumb = await media.uploadTemporary('thumb', {
      filename: 't.jpg',
      body: Readable.from([Buffer.alloc(1000)]),
    });
    expect(thumb.type).toBe('thumb');
  });

  it('turns WeChat refusals into typed errors', async () => {
    await expect(
      media.uploadTemporary('thumb', {
        filename: 'big.jpg',
        body: () => patternStream(100 * 1024),
      }),
    ).rejects.toMatchObject({ kind: 'invalid-argument' });
    await expect(media.downloadTemporary('unknownMediaId')).rejects.toMatchObject({
      errcode: 40007,
      kind: 'invalid-argument',
    });
  });

  it('refuses bad arguments locally', async () => {
    await expect(
      media.uploadTemporary('movie' as 'image', { filename: 'a.jpg', body: Buffer.alloc(1) }),
    ).rejects.toBeInstanceOf(WeChatArgumentError);
    await expect(media.downloadTemporary('../etc/passwd')).rejects.toBeInstanceOf(
      WeChatArgumentError,
    );
  });
});
