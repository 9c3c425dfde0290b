import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import {
  MediaClient,
  WeChatApiClient,
  WeChatArgumentError,
  WeChatTransportError,
} from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { createWeChatTestingModule, startEmulator } from '../support/wechat-test-app.js';
import { type LocalServer, sendJson, startLocalServer, startWeChatFront } from './local-servers.js';

const CDN_PATH = '/vweixinp.tc.qq.com/1007_0123456789abcdef.f10.mp4?vkey=ABCDEF&sha=0&save=1';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let body = '';
  for await (const chunk of stream) body += String(chunk);
  return body;
}

describe('URLs taken from WeChat’s answers', () => {
  let emulator: WeChatEmulator;
  // A service on loopback that must never be reached through a video_url.
  let internal: LocalServer;
  // Another, reached only by redirects.
  let elsewhere: LocalServer;
  // WeChat's host, answering media/get with the video_url of the test at hand.
  let front: LocalServer;
  let videoUrl = '';
  let moduleRef: TestingModule | undefined;

  beforeAll(async () => {
    emulator = await startEmulator();
    internal = await startLocalServer((req, res) => {
      const hop = /^\/hop\/(\d+)/.exec(req.url!);
      if (hop && Number(hop[1]) > 0) {
        res.writeHead(302, { Location: `/hop/${Number(hop[1]) - 1}` }).end();
      } else if (req.url!.startsWith('/to-elsewhere')) {
        res.writeHead(302, { Location: `${elsewhere.url}/secret` }).end();
      } else {
        res.writeHead(200, { 'Content-Type': 'video/mp4' }).end('internal');
      }
    });
    elsewhere = await startLocalServer((_req, res) => res.end('elsewhere'));
    front = await startWeChatFront(emulator.url, {
      '/cgi-bin/media/get': (_req, res) => sendJson(res, { video_url: videoUrl }),
    });
  });

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    internal.requests.length = 0;
    elsewhere.requests.length = 0;
  });

  afterAll(async () => {
    await Promise.all([internal.close(), elsewhere.close(), front.close(), emulator.close()]);
  });

  /** The module on WeChat's (the front's) host; `urlAllowList` undefined: the default. */
  async function start(urlAllowList: string[] | undefined) {
    moduleRef = await createWeChatTestingModule(emulator, {
      apiBaseUrl: front.url,
      download: { urlAllowList },
    });
    return { media: moduleRef.get(MediaClient), api: moduleRef.get(WeChatApiClient) };
  }

  it('refuses a video_url to a loopback service the allow-list does not name', async () => {
    const { media } = await start([new URL(emulator.url).host]);
    videoUrl = `${internal.url}${CDN_PATH}`;
    const refusal = await media.downloadTemporary('someMediaId').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(WeChatArgumentError);
    expect(refusal).toMatchObject({ argument: 'video_url', kind: 'invalid-argument' });
    expect((refusal as Error).message).toMatch(/no entry of the allow-list/);
    expect(internal.requests).toEqual([]);
  });

  it('refuses loopback with the default allow-list, though the path is the CDN’s', async () => {
    const { media } = await start(undefined);
    videoUrl = `${internal.url}${CDN_PATH}`;
    const refusal = await media.downloadTemporary('someMediaId').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(WeChatArgumentError);
    expect((refusal as Error).message).toMatch(/127\.0\.0\.1, a loopback, private/);
    expect(internal.requests).toEqual([]);
  });

  it('resolves a host name before connecting: a wildcard never admits loopback', async () => {
    const { api } = await start(['*']);
    const url = `http://localhost:${new URL(internal.url).port}/video.mp4`;
    await expect(api.downloadUrl(url)).rejects.toThrow(/loopback, private/);
    expect(internal.requests).toEqual([]);
  });

  it('follows a video_url on a host the allow-list names exactly', async () => {
    const { media } = await start([internal.host]);
    videoUrl = `${internal.url}${CDN_PATH}`;
    const download = await media.downloadTemporary('someMediaId');
    expect(await text(download.stream)).toBe('internal');
    expect(internal.requests).toEqual(['/vweixinp.tc.qq.com/1007_0123456789abcdef.f10.mp4']);
  });

  it.each([
    ['data:video/mp4;base64,AAAAIGZ0eXBpc29t', /uses data:; only http and https/],
    ['file:///etc/passwd', /uses file:; only http and https/],
    ['ftp://127.0.0.1/video.mp4', /uses ftp:; only http and https/],
    ['/vweixinp.tc.qq.com/relative.mp4', /is not an absolute URL/],
  ])('refuses %s', async (url, problem) => {
    const { media } = await start([internal.host, '*']);
    videoUrl = url;
    const refusal = await media.downloadTemporary('someMediaId').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(WeChatArgumentError);
    expect((refusal as Error).message).toMatch(problem);
  });

  it('refuses a URL with credentials, and does not repeat them', async () => {
    const { media } = await start([internal.host]);
    videoUrl = `http://alice:s3cr3t-pw@${internal.host}${CDN_PATH}`;
    const refusal = await media.downloadTemporary('someMediaId').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(WeChatArgumentError);
    const message = (refusal as Error).message;
    expect(message).toMatch(/credentials \(user:password@\)/);
    expect(message).not.toMatch(/alice|s3cr3t/);
    expect(internal.requests).toEqual([]);
  });

  it('checks every redirect alike, and follows at most 3', async () => {
    const { api } = await start([internal.host]);
    const refusal = await api.downloadUrl(`${internal.url}/to-elsewhere`).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ argument: 'url (redirect 1)', kind: 'invalid-argument' });
    expect(elsewhere.requests).toEqual([]);

    expect(await text((await api.downloadUrl(`${internal.url}/hop/3`)).stream)).toBe('internal');
    const tooMany = await api.downloadUrl(`${internal.url}/hop/4`).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(WeChatTransportError);
    expect(tooMany).toMatchObject({ failure: 'bad-answer', status: 302 });
    expect((tooMany as Error).message).toMatch(/more than 3 redirects/);
  });
});
