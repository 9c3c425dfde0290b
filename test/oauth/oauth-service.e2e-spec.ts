import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type TestingModule } from '@nestjs/testing';
import { OAuthService, WeChatApiError, WeChatArgumentError } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import {
  APP_ID,
  APP_SECRET,
  createWeChatTestingModule,
  startEmulator,
} from '../support/wechat-test-app.js';
import { authorizationCode } from '../support/oauth-code.js';

const CALLBACK = 'http://localhost:3000/cb';

describe('OAuthService against the emulator', () => {
  let emulator: WeChatEmulator;
  let moduleRef: TestingModule;
  let oauth: OAuthService;

  beforeEach(async () => {
    emulator = await startEmulator();
    emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice', unionid: 'u_alice' });
    emulator.signIn('o_alice_0001');
    moduleRef = await createWeChatTestingModule(emulator);
    oauth = moduleRef.get(OAuthService);
  });

  afterEach(async () => {
    await moduleRef.close();
    await emulator.close();
  });

  function codeFor(scope: 'snsapi_base' | 'snsapi_userinfo'): Promise<string> {
    return authorizationCode(
      emulator,
      oauth.authorizeUrl({ redirectUri: CALLBACK, scope, state: 'S1' }),
    );
  }

  it('builds the authorize URL in the order WeChat checks, ending in #wechat_redirect', () => {
    expect(
      oauth.authorizeUrl({
        redirectUri: `${CALLBACK}?a=1&b=2`,
        scope: 'snsapi_userinfo',
        state: 'abc',
      }),
    ).toBe(
      `${emulator.url}/connect/oauth2/authorize?appid=${APP_ID}&redirect_uri=${encodeURIComponent(`${CALLBACK}?a=1&b=2`)}` +
        '&response_type=code&scope=snsapi_userinfo&state=abc#wechat_redirect',
    );
  });

  it.each([
    [{ redirectUri: '/relative', scope: 'snsapi_base' }, 'redirectUri', /absolute/],
    [{ redirectUri: CALLBACK, scope: 'snsapi_login' }, 'scope', /snsapi_login/],
    [{ redirectUri: CALLBACK, scope: 'snsapi_base', state: 'a-b' }, 'state', /128/],
    [{ redirectUri: CALLBACK, scope: 'snsapi_base', state: 'a'.repeat(129) }, 'state', /128/],
  ])('refuses %j as an argument error', (params, argument, message) => {
    const refusal = catchError(() =>
      oauth.authorizeUrl(params as Parameters<OAuthService['authorizeUrl']>[0]),
    );
    expect(refusal).toBeInstanceOf(WeChatArgumentError);
    expect(refusal).toMatchObject({ argument, kind: 'invalid-argument', message });
  });

  it('exchanges a code, refreshes the token, reads the profile and verifies the token', async () => {
    const token = await oauth.exchangeCode(await codeFor('snsapi_userinfo'));
    expect(token).toMatchObject({
      openid: 'o_alice_0001',
      scope: 'snsapi_userinfo',
      unionid: 'u_alice',
      isSnapshotUser: false,
    });
    const refreshed = await oauth.refreshToken(token.refreshToken);
    expect(refreshed.accessToken).not.toBe(token.accessToken);
    expect(await oauth.getUserInfo(refreshed.accessToken, token.openid)).toMatchObject({
      nickname: 'Alice',
    });
    expect(await oauth.verify(refreshed.accessToken, token.openid)).toBe(true);
    expect(await oauth.verify(refreshed.accessToken, 'o_someone_else')).toBe(false);
  });

  it('turns WeChat errors into WeChatApiError without secrets', async () => {
    const code = await codeFor('snsapi_base');
    const token = await oauth.exchangeCode(code);
    const used = (await oauth.exchangeCode(code).catch((e: unknown) => e)) as WeChatApiError;
    expect(used).toBeInstanceOf(WeChatApiError);
    expect(used).toMatchObject({ errcode: 40163, path: '/sns/oauth2/access_token' });
    expect(`${used.message} ${used.stack}`).not.toContain(APP_SECRET);
    await expect(oauth.getUserInfo(token.accessToken, token.openid)).rejects.toMatchObject({
      errcode: 48001,
    });
    await expect(oauth.refreshToken('not-a-refresh-token')).rejects.toMatchObject({
      errcode: 40030,
    });
    await expect(oauth.exchangeCode('')).rejects.toThrow(WeChatArgumentError);
    await expect(oauth.exchangeCode('')).rejects.toMatchObject({ argument: 'code' });
  });

  // Issue 12, point 3: a code is single-use, so an exchange WeChat answered (even with -1, or an
  // HTTP 5xx after reading it) may have spent it; asking again costs an upstream call carrying
  // the appSecret, for nothing. Junk codes once cost five calls each while WeChat answered -1.
  it.each([
    ['-1 (system busy)', { errcode: -1 }, { errcode: -1 }],
    ['HTTP 502', { status: 502 }, { status: 502 }],
  ])('exchanges a code once, even when WeChat answers %s', async (_label, fault, refusal) => {
    const code = await codeFor('snsapi_base');
    emulator.injectFault('/sns/oauth2/access_token', { ...fault, times: Infinity });
    await expect(oauth.exchangeCode(code)).rejects.toMatchObject(refusal);
    expect(emulator.callCount('/sns/oauth2/access_token')).toBe(1);
  });
});

function catchError(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
