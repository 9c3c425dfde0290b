import { afterEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WeChatEmulatorOptions, TestClock, WeChatEmulator } from '../../src/testing/index.js';
import { waitFor } from '../support/wait-for.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

// WeChat's time stands still but for emulator.clock.advance(): media ages come out exact.
const STILL_AT = Date.UTC(2025, 0, 15, 4);
const clock = new TestClock(STILL_AT, { frozen: true });

type Body = Record<string, unknown>;

/** A multipart/form-data body made chunk by chunk (never whole in memory), and its sha256. */
function streamedForm(options: {
  filename: string;
  size: number;
  field?: string;
  /** Stop sending once `bytes` of the file are out, until `until` resolves. */
  pause?: { bytes: number; until: () => Promise<void> };
}) {
  const { filename, size, field = 'media', pause } = options;
  const boundary = `----emulator-spec-${randomBytes(8).toString('hex')}`;
  const hash = createHash('sha256');
  async function* chunks() {
    yield Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    let paused = false;
    for (let sent = 0; sent < size;) {
      const chunk = randomBytes(Math.min(CHUNK, size - sent));
      hash.update(chunk);
      sent += chunk.length;
      yield chunk;
      if (pause && !paused && sent >= pause.bytes) {
        paused = true;
        await pause.until();
      }
    }
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  // Pulled a chunk at a time: fetch streams it (duplex: 'half') as the server reads.
  const source = chunks();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await source.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
  return {
    body,
    contentType: `multipart/form-data; boundary=${boundary}`,
    sha256: () => hash.digest('hex'),
  };
}

type StreamedForm = ReturnType<typeof streamedForm>;

describe('WeChatEmulator temporary media', () => {
  let emulator: WeChatEmulator;
  let accessToken: string;

  async function start(options: Partial<WeChatEmulatorOptions> = {}): Promise<void> {
    emulator = await WeChatEmulator.start({
      appId: APP_ID,
      appSecret: APP_SECRET,
      clock,
      ...options,
    });
    await freshToken();
  }

  async function freshToken(): Promise<void> {
    const res = await fetch(
      `${emulator.url}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${APP_SECRET}`,
    );
    accessToken = ((await res.json()) as Body).access_token as string;
  }

  const uploadUrl = (type: string | undefined, token = accessToken) =>
    `${emulator.url}/cgi-bin/media/upload?access_token=${token}${type ? `&type=${type}` : ''}`;

  async function uploadStream(type: string, form: StreamedForm, token = accessToken) {
    // Node's fetch streams a body only with duplex: 'half', which RequestInit's types lack.
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers: { 'Content-Type': form.contentType },
      body: form.body,
      duplex: 'half',
    };
    return (await (await fetch(uploadUrl(type, token), init)).json()) as Body;
  }

  async function upload(type: string, filename: string, bytes: Buffer, field = 'media') {
    const form = new FormData();
    form.append(field, new Blob([new Uint8Array(bytes)]), filename);
    const res = await fetch(uploadUrl(type), { method: 'POST', body: form });
    return (await res.json()) as Body;
  }

  const download = (mediaId: string) =>
    fetch(`${emulator.url}/cgi-bin/media/get?access_token=${accessToken}&media_id=${mediaId}`);

  const refused = (errcode: number, errmsg: RegExp = / rid: [0-9a-f-]{26}$/) => ({
    errcode,
    errmsg: expect.stringMatching(errmsg),
  });

  afterEach(async () => emulator.close());

  it('streams a 20 MB upload to disk and back, byte for byte, and close() deletes it', async () => {
    const base = await mkdtemp(join(tmpdir(), 'media-spec-'));
    try {
      await start({ mediaSizeLimits: { image: 25 * MB }, mediaDir: base });
      const largestOnDisk = async () => {
        const [folder] = await readdir(base);
        if (!folder) return 0;
        const files = await readdir(join(base, folder));
        const sizes = await Promise.all(
          files.map(async (f) => (await stat(join(base, folder, f))).size),
        );
        return Math.max(0, ...sizes);
      };
      // The upload stops at 18 MB until the emulator has written most of it: it cannot be
      // buffering the request.
      const form = streamedForm({
        filename: 'big.jpg',
        size: 20 * MB,
        pause: {
          bytes: 18 * MB,
          until: () => waitFor('12 MB on disk', async () => (await largestOnDisk()) >= 12 * MB),
        },
      });

      const uploaded = await uploadStream('image', form);
      expect(uploaded).toEqual({
        type: 'image',
        media_id: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
        created_at: expect.any(Number),
      });
      expect(uploaded.created_at).toBe(STILL_AT / 1000);

      const mediaId = uploaded.media_id as string;
      const res = await download(mediaId);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('content-length')).toBe(String(20 * MB));
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${mediaId}.jpg"`);
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of res.body!) {
        hash.update(chunk);
        size += chunk.length;
      }
      expect(size).toBe(20 * MB);
      expect(hash.digest('hex')).toBe(form.sha256());

      await emulator.close();
      expect(await readdir(base)).toEqual([]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it.each([
    ['image', 'a.jpg', 10 * MB, 40009, /^invalid image size rid: /],
    ['voice', 'a.amr', 2 * MB, 40010, /^invalid voice size rid: /],
    ['video', 'a.mp4', 10 * MB, 40011, /^invalid video size rid: /],
    ['thumb', 'a.jpg', 64 * 1024, 40012, /^invalid thumb size rid: /],
  ] as const)(
    'takes %s up to WeChat limit and refuses one byte more',
    async (type, filename, limit, errcode, errmsg) => {
      await start();
      const atLimit = await uploadStream(type, streamedForm({ filename, size: limit }));
      expect(atLimit).toMatchObject({ type });
      const over = await uploadStream(type, streamedForm({ filename, size: limit + 1 }));
      expect(over).toEqual(refused(errcode, errmsg));
    },
  );

  it('answers a thumb with thumb_media_id, and serves each type with its content type', async () => {
    await start();
    const thumb = await upload('thumb', 'cover.JPG', Buffer.from('thumb'));
    expect(thumb).toEqual({
      type: 'thumb',
      thumb_media_id: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
      created_at: expect.any(Number),
    });
    const cases = [
      ['thumb', thumb.thumb_media_id as string, 'image/jpeg', 'jpg'],
      ['image', (await upload('image', 'p.png', Buffer.from('png'))).media_id, 'image/png', 'png'],
      ['image', (await upload('image', 'p.gif', Buffer.from('gif'))).media_id, 'image/gif', 'gif'],
      ['voice', (await upload('voice', 'v.amr', Buffer.from('amr'))).media_id, 'audio/amr', 'amr'],
      ['voice', (await upload('voice', 'v.mp3', Buffer.from('mp3'))).media_id, 'audio/mpeg', 'mp3'],
    ] as const;
    for (const [, mediaId, contentType, extension] of cases) {
      const res = await download(mediaId as string);
      expect(res.headers.get('content-type')).toBe(contentType);
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="${mediaId}.${extension}"`,
      );
      expect(await res.text()).toBe(extension === 'jpg' ? 'thumb' : extension);
    }
  });

  it('answers a video with video_url, where the bytes are', async () => {
    await start();
    const video = await upload('video', 'clip.mp4', Buffer.from('not really an mp4'));
    expect(video).toMatchObject({ type: 'video', media_id: expect.any(String) });
    const body = (await (await download(video.media_id as string)).json()) as Body;
    expect(body).toEqual({ video_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) });
    const res = await fetch(body.video_url as string);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(await res.text()).toBe('not really an mp4');
    expect((await fetch(`${emulator.url}/vweixinp.tc.qq.com/nope.mp4`)).status).toBe(404);
  });

  it('refuses files whose extension does not fit the type (40005)', async () => {
    await start();
    expect(await upload('image', 'clip.mp4', Buffer.from('x'))).toEqual(
      refused(40005, /^invalid file type rid: /),
    );
    expect(await upload('thumb', 'cover.png', Buffer.from('x'))).toEqual(refused(40005));
    expect(await upload('voice', 'voice.wav', Buffer.from('x'))).toEqual(refused(40005));
    expect(await upload('video', 'noext', Buffer.from('x'))).toEqual(refused(40005));
  });

  it('refuses a missing (41005) or empty (44001) file, and unknown types (40004)', async () => {
    const base = await mkdtemp(join(tmpdir(), 'media-spec-'));
    try {
      await start({ mediaDir: base });
      expect(await upload('image', 'a.jpg', Buffer.from('x'), 'file')).toEqual(
        refused(41005, /^media data missing rid: /),
      );
      const form = new FormData();
      form.append('media', 'just text');
      const textOnly = await fetch(uploadUrl('image'), { method: 'POST', body: form });
      expect(await textOnly.json()).toEqual(refused(41005));
      const json = await fetch(uploadUrl('image'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"media":"x"}',
      });
      expect(await json.json()).toEqual(refused(41005));
      const cutOff = `--b\r\nContent-Disposition: form-data; name="media"; filename="a.jpg"\r\n\r\nxx`;
      const truncated = await fetch(uploadUrl('image'), {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=b' },
        body: cutOff,
      });
      expect(await truncated.json()).toEqual(refused(41005));
      expect(await upload('image', 'a.jpg', Buffer.alloc(0))).toEqual(
        refused(44001, /^empty media data rid: /),
      );
      expect(await upload('music', 'a.mp3', Buffer.from('x'))).toEqual(
        refused(40004, /^invalid media type rid: /),
      );
      const untyped = await fetch(uploadUrl(undefined), { method: 'POST', body: new FormData() });
      expect(await untyped.json()).toEqual(refused(40004));
      // Nothing refused is left on disk.
      const [folder] = await readdir(base);
      expect(await readdir(join(base, folder))).toEqual([]);
    } finally {
      await emulator.close();
      await rm(base, { recursive: true, force: true });
    }
  });

  it('checks the token and method before reading the body', async () => {
    await start();
    const form = streamedForm({ filename: 'a.jpg', size: 5 * MB });
    expect(await uploadStream('image', form, '')).toEqual(refused(41001));
    expect(await (await fetch(uploadUrl('image'))).json()).toEqual(refused(43002));
    // The connection is still good for the next request.
    expect(await upload('image', 'a.jpg', Buffer.from('x'))).toHaveProperty('media_id');
  });

  it('keeps media 3 days (40007 after), and answers 41006 without a media_id', async () => {
    await start();
    const mediaId = (await upload('image', 'a.jpg', Buffer.from('x'))).media_id as string;
    emulator.clock.advance(3 * 86_400_000 - 1);
    await freshToken();
    expect((await download(mediaId)).status).toBe(200);
    emulator.clock.advance(1);
    expect(await (await download(mediaId)).json()).toEqual(
      refused(40007, /^invalid media_id rid: /),
    );
    expect(await (await download('not-a-media-id')).json()).toEqual(refused(40007));
    const missing = await fetch(`${emulator.url}/cgi-bin/media/get?access_token=${accessToken}`);
    expect(await missing.json()).toEqual(refused(41006));
  });
});
