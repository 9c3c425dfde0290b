import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import axios, { type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import { MediaClient, OAuthService, TokenService, UserClient } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { authorizationCode } from '../support/oauth-code.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';
import { createWeChatTestingModule, startEmulator } from '../support/wechat-test-app.js';

const APP_HEADER = 'x-app-wide-header';

// What an app does to the process-wide axios: an interceptor, a default header, an adapter.
describe('the library never uses the process-wide axios', () => {
  const intercepted: InternalAxiosRequestConfig[] = [];
  const adapted: InternalAxiosRequestConfig[] = [];
  let ejectInterceptor: () => void;
  let restoreDefaults: () => void;
  let emulator: WeChatEmulator;
  let proxy: RecordingProxy;
  const modules: TestingModule[] = [];

  beforeAll(async () => {
    const id = axios.interceptors.request.use((config) => {
      intercepted.push(config);
      return config;
    });
    ejectInterceptor = () => axios.interceptors.request.eject(id);
    const { adapter } = axios.defaults;
    const recording: AxiosAdapter = (config) => {
      adapted.push(config);
      return Promise.reject(new Error('the app adapter was used'));
    };
    axios.defaults.adapter = recording;
    axios.defaults.headers.common[APP_HEADER] = 'app';
    restoreDefaults = () => {
      axios.defaults.adapter = adapter;
      delete axios.defaults.headers.common[APP_HEADER];
    };

    emulator = await startEmulator();
    emulator.addUser({ openid: 'o_isolation_01', nickname: 'Iso' });
    emulator.signIn('o_isolation_01');
    proxy = await startRecordingProxy(emulator.url);
  });

  afterAll(async () => {
    for (const moduleRef of modules) await moduleRef.close();
    await proxy.close();
    await emulator.close();
    ejectInterceptor();
    restoreDefaults();
  });

  async function moduleOn(source: 'token' | 'stable_token'): Promise<TestingModule> {
    const moduleRef = await createWeChatTestingModule(emulator, {
      apiBaseUrl: proxy.url,
      mpBaseUrl: proxy.url,
      token: { source },
    });
    modules.push(moduleRef);
    return moduleRef;
  }

  it('token, stable_token, API calls, media, OAuth code exchange and userinfo', async () => {
    const viaToken = await moduleOn('token');
    await viaToken.get(TokenService).getAccessToken();
    const viaStable = await moduleOn('stable_token');
    await viaStable.get(TokenService).getAccessToken();

    await viaToken.get(UserClient).getInfo('o_isolation_01');
    await viaToken.get(UserClient).createTag('isolated');
    const media = viaToken.get(MediaClient);
    const uploaded = await media.uploadTemporary('image', {
      filename: 'a.jpg',
      body: Readable.from([Buffer.alloc(2048, 7)]),
    });
    const download = await media.downloadTemporary(uploaded.mediaId);
    for await (const chunk of download.stream) void chunk;

    const oauth = viaToken.get(OAuthService);
    const code = await authorizationCode(
      emulator,
      oauth.authorizeUrl({
        redirectUri: 'http://localhost/cb',
        scope: 'snsapi_userinfo',
        state: 'isolation',
      }),
    );
    const web = await oauth.exchangeCode(code);
    await oauth.getUserInfo(web.accessToken, web.openid);

    const paths = new Set(proxy.seen.map((r) => r.path));
    for (const path of [
      '/cgi-bin/token',
      '/cgi-bin/stable_token',
      '/cgi-bin/user/info',
      '/cgi-bin/tags/create',
      '/cgi-bin/media/upload',
      '/cgi-bin/media/get',
      '/sns/oauth2/access_token',
      '/sns/userinfo',
    ]) {
      expect(paths).toContain(path);
    }
    expect(intercepted).toEqual([]);
    expect(adapted).toEqual([]);
    expect(proxy.seen.filter((r) => r.headers[APP_HEADER] !== undefined)).toEqual([]);
  });
});
