import { type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import {
  MediaClient,
  WeChatApiClient,
  type WeChatDownload,
  WeChatTransportError,
} from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { createWeChatTestingModule, startEmulator } from '../support/wechat-test-app.js';
import { type LocalServer, startLocalServer, startWeChatFront } from './local-servers.js';

// Content codings (RFC 9110 §8.4): what the library asks for, what it makes of what it gets.
const FILE = Buffer.from('a stored file, '.repeat(4096));
const ENCODE: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
};

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers `bytes` in `coding` (none: as they are), with the Content-Length of what is sent. */
function answerWith(bytes: Buffer, contentType: string, coding?: string): Answer {
  return (_req, res) => {
    const sent = coding ? ENCODE[coding](bytes) : bytes;
    res.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': sent.length,
      ...(coding ? { 'Content-Encoding': coding } : {}),
    });
    res.end(sent);
  };
}

async function bytesOf(download: WeChatDownload): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of download.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('content codings of WeChat’s answers', () => {
  let emulator: WeChatEmulator;
  let front: LocalServer;
  let cdn: LocalServer;
  // What the route under test answers, and the Accept-Encoding each request to it carried.
  let answer: Answer = () => undefined;
  const asked: (string | undefined)[] = [];
  let moduleRef: TestingModule | undefined;

  const record: Answer = (req, res) => {
    asked.push(req.headers['accept-encoding']);
    answer(req, res);
  };

  beforeAll(async () => {
    emulator = await startEmulator();
    cdn = await startLocalServer(record);
    front = await startWeChatFront(emulator.url, {
      '/cgi-bin/some/json': record,
      '/cgi-bin/media/get': record,
    });
  });

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    asked.length = 0;
  });

  afterAll(async () => {
    await Promise.all([front.close(), cdn.close(), emulator.close()]);
  });

  async function start(maxBytes?: number) {
    moduleRef = await createWeChatTestingModule(emulator, {
      apiBaseUrl: front.url,
      jsonLimitBytes: 64 * 1024,
      download: { urlAllowList: [cdn.host], maxBytes },
    });
    return { api: moduleRef.get(WeChatApiClient), media: moduleRef.get(MediaClient) };
  }

  it.each(['gzip', 'deflate'])('reads a JSON answer sent in %s', async (coding) => {
    const { api } = await start();
    answer = answerWith(Buffer.from('{"errcode":0,"value":"ok"}'), 'application/json', coding);
    await expect(api.get('/cgi-bin/some/json')).resolves.toMatchObject({ value: 'ok' });
    expect(asked).toEqual(['gzip, deflate']);
  });

  it('keeps the connection for the next call, for plain and compressed answers alike', async () => {
    // A front that keeps idle connections (5 s) as WeChat's hosts do.
    const ports: number[] = [];
    const keeping = await startWeChatFront(
      emulator.url,
      {
        '/cgi-bin/some/json': (req, res) => (ports.push(req.socket.remotePort!), record(req, res)),
      },
      5000,
    );
    try {
      moduleRef = await createWeChatTestingModule(emulator, { apiBaseUrl: keeping.url });
      const api = moduleRef.get(WeChatApiClient);
      for (const coding of [undefined, 'gzip', 'deflate', undefined]) {
        answer = answerWith(Buffer.from('{"errcode":0}'), 'application/json', coding);
        await api.get('/cgi-bin/some/json');
      }
      expect(ports).toHaveLength(4);
      expect(new Set(ports).size).toBe(1);
    } finally {
      await moduleRef?.close();
      moduleRef = undefined;
      await keeping.close();
    }
  });

  it('refuses a JSON answer in br, which it does not ask for (a 16 MiB window per answer)', async () => {
    const { api } = await start();
    answer = answerWith(Buffer.from('{"errcode":0}'), 'application/json', 'br');
    const failure = await api.get('/cgi-bin/some/json').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WeChatTransportError);
    expect(failure).toMatchObject({ failure: 'bad-answer', status: 200 });
    expect((failure as Error).message).toMatch(/in content coding "br" that the library neither/);
  });

  it('refuses a JSON answer whose gzip is corrupt, as a bad answer, without trying again', async () => {
    const { api } = await start();
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end('{"errcode":0} is not gzip');
    };
    const failure = await api.get('/cgi-bin/some/json').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WeChatTransportError);
    expect(failure).toMatchObject({ failure: 'bad-answer', code: 'Z_DATA_ERROR' });
    expect((failure as Error).message).toMatch(/is not valid gzip \(Z_DATA_ERROR\)/);
    expect(asked).toHaveLength(1);
  });

  it('holds a compressed JSON answer to jsonLimitBytes once decoded', async () => {
    const { api } = await start();
    // 1 MiB of JSON, about 1 KiB in gzip.
    const big = Buffer.from(JSON.stringify({ errcode: 0, pad: ' '.repeat(1024 * 1024) }));
    answer = answerWith(big, 'application/json', 'gzip');
    const failure = await api.get('/cgi-bin/some/json').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WeChatTransportError);
    expect(failure).toMatchObject({ failure: 'too-large' });
    expect((failure as Error).message).toMatch(/larger than 65536 bytes \(option jsonLimitBytes\)/);
  });

  it('asks for a file as stored, and gives the length WeChat declares', async () => {
    const { media } = await start();
    answer = answerWith(FILE, 'image/jpeg');
    const download = await media.downloadTemporary('someMediaId');
    expect(download.contentLength).toBe(FILE.length);
    expect(await bytesOf(download)).toEqual(FILE);
    expect(asked).toEqual(['identity']);
  });

  it.each(['gzip', 'deflate'])(
    'decodes a file sent in %s though not asked so, and declares no length for it',
    async (coding) => {
      const { media } = await start();
      answer = answerWith(FILE, 'image/jpeg', coding);
      const download = await media.downloadTemporary('someMediaId');
      // The Content-Length sent is the compressed one: passing it on would understate the file.
      expect(download.contentLength).toBeUndefined();
      expect(await bytesOf(download)).toEqual(FILE);
    },
  );

  it('refuses a file whose Content-Length is over download.maxBytes before reading it', async () => {
    const { media } = await start(FILE.length - 1);
    answer = answerWith(FILE, 'image/jpeg');
    const failure = await media.downloadTemporary('someMediaId').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WeChatTransportError);
    expect(failure).toMatchObject({ failure: 'too-large', status: 200 });
    expect((failure as Error).message).toMatch(
      new RegExp(`larger than ${FILE.length - 1} bytes \\(option download\\.maxBytes\\)`),
    );
    expect(asked).toHaveLength(1);
  });

  it('holds a compressed file to download.maxBytes as it inflates', async () => {
    const { media } = await start(FILE.length - 1);
    answer = answerWith(FILE, 'image/jpeg', 'gzip');
    const download = await media.downloadTemporary('someMediaId');
    const failure = await bytesOf(download).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WeChatTransportError);
    expect(failure).toMatchObject({ failure: 'too-large' });
  });

  it('gives a file of exactly download.maxBytes whole', async () => {
    const { media } = await start(FILE.length);
    answer = answerWith(FILE, 'image/jpeg', 'gzip');
    expect(await bytesOf(await media.downloadTemporary('someMediaId'))).toEqual(FILE);
  });

  it('asks a followed video_url for the file as stored, and decodes what comes encoded', async () => {
    const { media } = await start();
    const videoUrl = `${cdn.url}/vweixinp.tc.qq.com/1007_0123456789abcdef.f10.mp4`;
    let calls = 0;
    answer = (req, res) =>
      calls++ === 0
        ? answerWith(Buffer.from(JSON.stringify({ video_url: videoUrl })), 'application/json')(
            req,
            res,
          )
        : answerWith(FILE, 'video/mp4', 'gzip')(req, res);
    const download = await media.downloadTemporary('someVideoId');
    expect(download.contentLength).toBeUndefined();
    expect(await bytesOf(download)).toEqual(FILE);
    expect(asked).toEqual(['identity', 'identity']);
    expect(cdn.requests).toEqual(['/vweixinp.tc.qq.com/1007_0123456789abcdef.f10.mp4']);
  });

  it('refuses a coding it cannot decode, naming it', async () => {
    const { media } = await start();
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Encoding': 'zstd' });
      res.end(FILE);
    };
    const failure = await media.downloadTemporary('someMediaId').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WeChatTransportError);
    expect(failure).toMatchObject({ failure: 'bad-answer', status: 200 });
    expect((failure as Error).message).toMatch(/content coding "zstd" that the library neither/);
  });

  it('never quotes a coding name that is not a registered one (it may echo the request)', async () => {
    const { media } = await start();
    const echoed = 'echoed-secret-0123456789abcdef';
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Encoding': echoed });
      res.end(FILE);
    };
    const failure = await media.downloadTemporary('someMediaId').catch((e: unknown) => e);
    expect(failure).toMatchObject({ failure: 'bad-answer' });
    expect((failure as Error).message).toMatch(/is in a coding that the library neither/);
    expect((failure as Error).message).not.toContain(echoed);
  });

  it('fails the stream of a file whose gzip is corrupt, as a bad answer, when it is read', async () => {
    const { media } = await start();
    const corrupt = gzipSync(FILE);
    corrupt.fill(0xff, 20, 60);
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Encoding': 'gzip' });
      res.end(corrupt);
    };
    const download = await media.downloadTemporary('someMediaId');
    // The app does other work first: the failure comes meanwhile, and must wait for the reader
    // (an error event with nobody listening would crash the app).
    await sleep(50);
    const failure = await bytesOf(download).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WeChatTransportError);
    expect(failure).toMatchObject({ failure: 'bad-answer', code: 'Z_DATA_ERROR' });
    expect((failure as Error).message).toMatch(/is not valid gzip \(Z_DATA_ERROR\)/);
  });
});
