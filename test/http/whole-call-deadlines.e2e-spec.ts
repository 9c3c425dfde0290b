import { type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import {
  AccountClient,
  MediaClient,
  WeChatApiClient,
  type WeChatModuleOptions,
  WeChatTransportError,
} from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import {
  createWeChatTestingModule,
  sleep,
  startEmulator,
  waitFor,
} from '../support/wechat-test-app.js';
import { type LocalServer, startWeChatFront } from './local-servers.js';

const IPS = '/cgi-bin/get_api_domain_ip';
const MB = 1024 * 1024;

/** The error `work` rejects with (or the stream errors with), and how long that took. */
async function failureOf(work: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const startedAt = Date.now();
  const error = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - startedAt };
}

async function readAll(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

/** `size` bytes, produced a chunk at a time. */
function bytes(size: number): () => Readable {
  return () => Readable.from(Array.from({ length: size / (64 * 1024) }, () => Buffer.alloc(65536)));
}

describe('whole-call deadlines and size limits', () => {
  let emulator: WeChatEmulator;
  let moduleRef: TestingModule | undefined;
  let front: LocalServer | undefined;

  async function start(overrides: Partial<WeChatModuleOptions> = {}) {
    emulator = await startEmulator();
    moduleRef = await createWeChatTestingModule(emulator, overrides);
    return moduleRef;
  }

  afterEach(async () => {
    await moduleRef?.close();
    await front?.close();
    await emulator?.close();
    moduleRef = front = undefined;
  });

  describe('JSON answers', () => {
    it('the emulator drip-feeds an answer intact', async () => {
      const account = (await start({ httpTimeoutMs: 20_000 })).get(AccountClient);
      const expected = await account.getApiDomainIps();
      emulator.injectFault(IPS, { dripMs: 4 });
      const { ms } = await failureOf(async () => {
        expect(await account.getApiDomainIps()).toEqual(expected);
      });
      // 4 ms for each byte of the answer (timers may fire a little early: 3 are counted).
      const size = JSON.stringify({ ip_list: expected }).length;
      expect(size).toBeGreaterThan(50);
      expect(ms).toBeGreaterThanOrEqual(3 * size);
    });

    it('fails an answer drip-fed past httpTimeoutMs within the deadline, as a timeout', async () => {
      const account = (await start({ httpTimeoutMs: 1000, retry: { attempts: 1 } })).get(
        AccountClient,
      );
      await account.getApiDomainIps();
      // A byte every 200 ms: never idle for long, and 30 s or more in all.
      emulator.injectFault(IPS, { dripMs: 200 });
      const { error, ms } = await failureOf(() => account.getApiDomainIps());
      expect(error).toBeInstanceOf(WeChatTransportError);
      expect(error).toMatchObject({
        kind: 'upstream',
        failure: 'timeout',
        code: 'ECONNABORTED',
        status: 200,
        path: IPS,
      });
      expect((error as Error).message).toMatch(/within 1000 ms \(option httpTimeoutMs\)/);
      // Not before the deadline. (Without it the answer would come whole, as the test above
      // shows: no upper bound on time is needed, and none would hold on a loaded machine.)
      expect(ms).toBeGreaterThanOrEqual(900);
    });

    it('tries an idempotent call again after a timeout, but never a POST that was answered', async () => {
      const api = (
        await start({ httpTimeoutMs: 1000, retry: { attempts: 3, baseDelayMs: 5 } })
      ).get(WeChatApiClient);
      emulator.injectFault(IPS, { dripMs: 200 });
      await expect(api.get(IPS)).resolves.toHaveProperty('ip_list');
      expect(emulator.callCount(IPS)).toBe(2);

      const CREATE_TAG = '/cgi-bin/tags/create';
      emulator.injectFault(CREATE_TAG, { dripMs: 200 });
      await expect(api.post(CREATE_TAG, { tag: { name: 'drip' } })).rejects.toMatchObject({
        failure: 'timeout',
      });
      expect(emulator.callCount(CREATE_TAG)).toBe(1);
    });

    // A 384 MB answer, streamed as the client reads it (never allocated): `declare` says whether
    // its Content-Length announces the size or it comes chunked.
    function hugeJson(sent: { bytes: number; closed: boolean }, declare: boolean) {
      const total = 384 * MB;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      return (_req: unknown, res: ServerResponse) => {
        res.writeHead(200, {
          'Content-Type': 'application/json',
          ...(declare ? { 'Content-Length': String(total) } : {}),
        });
        res.on('close', () => (sent.closed = true));
        res.write('{"ip_list":["');
        const pump = () => {
          while (sent.bytes < total && !res.destroyed) {
            sent.bytes += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      };
    }

    it.each([
      ['chunked', false],
      ['with its Content-Length', true],
    ])(
      'fails a JSON answer over jsonLimitBytes (%s) at the limit, without reading the rest',
      async (_label, declare) => {
        emulator = await startEmulator();
        const sent = { bytes: 0, closed: false };
        front = await startWeChatFront(emulator.url, { [IPS]: hugeJson(sent, declare) });
        moduleRef = await createWeChatTestingModule(emulator, {
          apiBaseUrl: front.url,
          jsonLimitBytes: MB,
        });
        const { error } = await failureOf(() => moduleRef!.get(AccountClient).getApiDomainIps());
        expect(error).toBeInstanceOf(WeChatTransportError);
        expect(error).toMatchObject({ kind: 'upstream', failure: 'too-large', path: IPS });
        expect((error as Error).message).toMatch(
          /larger than 1048576 bytes \(option jsonLimitBytes\)/,
        );
        // Not retried (it would be as large again), and the connection was closed at once.
        expect(front.requests.filter((path) => path === IPS)).toHaveLength(1);
        await waitFor('the oversized answer to be cut', () => sent.closed);
        expect(sent.bytes).toBeLessThan(64 * MB);
      },
    );
  });

  describe('uploads', () => {
    /** 16 KB chunks, one every `everyMs`; after `stallAfter` chunks, nothing more (never ends). */
    function slowFile(chunks: number, everyMs: number, stallAfter = Infinity): () => Readable {
      return () => {
        let sent = 0;
        return new Readable({
          read() {
            if (sent === chunks) return void this.push(null);
            if (sent >= stallAfter) return;
            sent += 1;
            setTimeout(() => this.push(Buffer.alloc(16 * 1024, 1)), everyMs);
          },
        });
      };
    }

    it('gives an upload its own time: a steady one longer than httpTimeoutMs succeeds', async () => {
      const media = (await start({ httpTimeoutMs: 500 })).get(MediaClient);
      const startedAt = Date.now();
      const uploaded = await media.uploadTemporary('image', {
        filename: 'slow.jpg',
        body: slowFile(12, 100),
      });
      expect(uploaded.mediaId).toEqual(expect.any(String));
      expect(Date.now() - startedAt).toBeGreaterThan(1000);
    });

    it('times out an upload that stops making progress', async () => {
      const media = (await start({ httpTimeoutMs: 500 })).get(MediaClient);
      const { error, ms } = await failureOf(() =>
        media.uploadTemporary('image', { filename: 'stalled.jpg', body: slowFile(12, 10, 2) }),
      );
      expect(error).toBeInstanceOf(WeChatTransportError);
      expect(error).toMatchObject({ kind: 'upstream', failure: 'timeout' });
      // Not before httpTimeoutMs without progress; without the deadline it would never end.
      expect(ms).toBeGreaterThanOrEqual(450);
    });
  });

  describe('downloads', () => {
    const MEDIA_GET = '/cgi-bin/media/get';
    let answered: ServerResponse[];

    // WeChat's media/get answers the headers and 64 KB of a 1 MB file, then sends nothing more.
    async function startStallingWeChat(download: WeChatModuleOptions['download'] = {}) {
      emulator = await startEmulator();
      answered = [];
      front = await startWeChatFront(emulator.url, {
        [MEDIA_GET]: (_req, res) => {
          answered.push(res);
          res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': String(MB) });
          res.write(Buffer.alloc(64 * 1024, 1));
        },
      });
      moduleRef = await createWeChatTestingModule(emulator, {
        apiBaseUrl: front.url,
        retry: { attempts: 1, baseDelayMs: 1 },
        download,
      });
      return moduleRef.get(MediaClient);
    }

    it('fails a download whose body stalls after download.idleTimeoutMs, as a timeout', async () => {
      const media = await startStallingWeChat({ idleTimeoutMs: 500 });
      const { stream } = await media.downloadTemporary('someMediaId');
      const { error, ms } = await failureOf(() => readAll(stream));
      expect(error).toBeInstanceOf(WeChatTransportError);
      expect(error).toMatchObject({ kind: 'upstream', failure: 'timeout', status: 200 });
      expect((error as Error).message).toMatch(
        /sent nothing for 500 ms \(option download\.idleTimeoutMs\)/,
      );
      // Not before the idle timeout; without it the stalled body would never end.
      expect(ms).toBeGreaterThanOrEqual(450);
    });

    it('surfaces a mid-body abort as a typed error, never a bare "aborted"', async () => {
      const media = await startStallingWeChat();
      const { stream } = await media.downloadTemporary('someMediaId');
      const reading = failureOf(() => readAll(stream));
      answered[0].socket!.destroy();
      const { error } = await reading;
      expect(error).toBeInstanceOf(WeChatTransportError);
      expect(error).toMatchObject({ kind: 'upstream', failure: 'cut-off', status: 200 });
      expect((error as Error).message).toMatch(/broke off/);
    });

    it('cuts a download in progress at shutdown with a typed error', async () => {
      const media = await startStallingWeChat();
      const { stream } = await media.downloadTemporary('someMediaId');
      const reading = failureOf(() => readAll(stream));
      await moduleRef!.close();
      moduleRef = undefined;
      expect((await reading).error).toMatchObject({ kind: 'upstream', failure: 'shut-down' });
    });

    it('does not count a reader that pauses as an idle download', async () => {
      const media = (await start({ download: { idleTimeoutMs: 300 } })).get(MediaClient);
      const { mediaId } = await media.uploadTemporary('image', {
        filename: 'big.jpg',
        body: bytes(8 * MB),
      });
      const { stream } = await media.downloadTemporary(mediaId);
      await new Promise((resolve) => stream.once('readable', resolve));
      // The reader takes its time: three idle timeouts without reading.
      await sleep(900);
      expect(await readAll(stream)).toBe(8 * MB);
    });

    it('fails a download still running at download.deadlineMs, however steadily it comes', async () => {
      const media = (await start({ download: { idleTimeoutMs: 5000, deadlineMs: 800 } })).get(
        MediaClient,
      );
      const { mediaId } = await media.uploadTemporary('image', {
        filename: 'a.jpg',
        body: Buffer.alloc(300_000, 1),
      });
      // A chunk every 400 ms: never idle, and at least 2 s in all.
      emulator.injectFault(MEDIA_GET, { dripMs: 400 });
      const requestedAt = Date.now();
      const { stream } = await media.downloadTemporary(mediaId);
      const { error } = await failureOf(() => readAll(stream));
      expect(error).toMatchObject({ kind: 'upstream', failure: 'timeout' });
      expect((error as Error).message).toMatch(/within 800 ms \(option download\.deadlineMs\)/);
      // Not before the deadline, counted from the request; without it the file would come whole.
      expect(Date.now() - requestedAt).toBeGreaterThanOrEqual(750);
    });
  });
});
