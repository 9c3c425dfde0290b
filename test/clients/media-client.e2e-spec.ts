import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type ClientRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { MediaClient, WeChatArgumentError } from '../../src/index.js';
import { waitFor } from '../support/wechat-test-app.js';
import { startClientApp } from './client-app.js';

const SIZE = 8 * 1024 * 1024; // a multi-megabyte file within WeChat's 10 MB for images
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

describe('MediaClient', () => {
  let app: Awaited<ReturnType<typeof startClientApp>>;
  let media: MediaClient;

  beforeEach(async () => {
    app = await startClientApp();
    media = app.moduleRef.get(MediaClient);
  });
  afterEach(async () => app.close());

  it('uploads and downloads a multi-megabyte file as streams, bytes intact', async () => {
    const expected = await sha256(patternStream(SIZE));
    const uploaded = await media.uploadTemporary('image', {
      filename: 'big.jpg',
      body: () => patternStream(SIZE),
    });
    expect(uploaded).toMatchObject({ type: 'image', mediaId: expect.any(String) });
    const download = await media.downloadTemporary(uploaded.mediaId);
    expect(download.contentType).toMatch(/^image\//);
    expect(download.contentLength).toBe(SIZE);
    // WeChat names a download after the media id (its documentation's example).
    expect(download.filename).toBe(`${uploaded.mediaId}.jpg`);
    expect(await sha256(download.stream)).toEqual(expected);
  });

  it('keeps memory bounded: the upload is sent while it is produced, the download read as consumed', async () => {
    // The producer stops at 1 MB until the request has reached WeChat: a client that buffered
    // the whole body before sending would never get there.
    let produced = 0;
    const gatedStream = () =>
      new Readable({
        async read() {
          if (produced >= SIZE) return void this.push(null);
          if (produced >= 1024 * 1024) {
            try {
              await waitFor(
                'the upload at WeChat before its body is all produced',
                () => app.emulator.callCount('/cgi-bin/media/upload') > 0,
              );
            } catch (error) {
              return void this.destroy(error as Error);
            }
          }
          produced += CHUNK;
          this.push(Buffer.alloc(CHUNK, 7));
        },
      });
    const uploaded = await media.uploadTemporary('image', {
      filename: 'gated.jpg',
      body: gatedStream,
    });

    // Unread, the download holds no more than a stream's buffer: the HTTP response fills its own
    // and stops reading the socket; the rest waits upstream.
    let response: IncomingMessage | undefined;
    const onResponse = (message: unknown) => {
      const answer = message as { request: ClientRequest; response: IncomingMessage };
      if (answer.request.path.startsWith('/cgi-bin/media/get')) response = answer.response;
    };
    subscribe('http.client.response.finish', onResponse);
    const { stream } = await media.downloadTemporary(uploaded.mediaId).finally(() => {
      unsubscribe('http.client.response.finish', onResponse);
    });
    await waitFor(
      'the unread download to stop at its buffer',
      () => response!.readableLength >= response!.readableHighWaterMark,
    );
    expect(stream.readableLength + response!.readableLength).toBeLessThan(1024 * 1024);
    expect((await sha256(stream)).bytes).toBe(SIZE);
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

  it('downloads a video by following the video_url WeChat answers with', async () => {
    const video = Buffer.alloc(300_000, 3);
    const uploaded = await media.uploadTemporary('video', { filename: 'clip.mp4', body: video });
    const download = await media.downloadTemporary(uploaded.mediaId);
    expect(await sha256(download.stream)).toEqual(await sha256(Readable.from([video])));
  });

  it('closes the file stream of an upload that fails', async () => {
    const opened: Readable[] = [];
    const factory = () => {
      const stream = patternStream(SIZE);
      opened.push(stream);
      return stream;
    };
    app.emulator.injectFault('/cgi-bin/media/upload', { drop: true });
    await expect(
      media.uploadTemporary('image', { filename: 'a.jpg', body: factory }),
    ).rejects.toMatchObject({
      name: 'WeChatTransportError',
    });
    const plain = patternStream(SIZE);
    app.emulator.injectFault('/cgi-bin/media/upload', { drop: true });
    await expect(
      media.uploadTemporary('image', { filename: 'b.jpg', body: plain }),
    ).rejects.toThrow();
    await waitFor("the failed uploads' streams to close", () =>
      [...opened, plain].every((stream) => stream.destroyed),
    );
    expect(opened.every((stream) => stream.destroyed)).toBe(true);
    expect(plain.destroyed).toBe(true);
  });

  it('after a stale token, re-sends a repeatable upload, and says why a plain stream was not', async () => {
    app.emulator.injectFault('/cgi-bin/media/upload', { errcode: 40001 });
    await expect(
      media.uploadTemporary('voice', {
        filename: 'a.amr',
        body: () => Readable.from([Buffer.alloc(10)]),
      }),
    ).resolves.toMatchObject({
      type: 'voice',
    });
    app.emulator.injectFault('/cgi-bin/media/upload', { errcode: 40001 });
    const error = await media
      .uploadTemporary('voice', { filename: 'b.amr', body: Readable.from([Buffer.alloc(10)]) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ errcode: 40001 });
    expect((error as Error).message).toMatch(/cannot be sent twice/);
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
