import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WeChatEmulator } from '../../src/testing/index.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const CALLBACK = 'http://localhost:3000/wechat/oauth/callback';

type Body = Record<string, unknown>;

describe('WeChatEmulator web authorization', () => {
  let emulator: WeChatEmulator;

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice', unionid: 'u_alice' });
    emulator.addUser({ openid: 'o_bob_000002', nickname: 'Bob' });
  });
  afterEach(async () => emulator.close());

  function authorizeUrl(overrides: Record<string, string> = {}, order?: string[]): string {
    const params: Record<string, string> = {
      appid: APP_ID,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'snsapi_base',
      state: 'abc123',
      ...overrides,
    };
    const keys = order ?? Object.keys(params);
    const query = keys.map((k) => `${k}=${encodeURIComponent(params[k])}`).join('&');
    return `${emulator.url}/connect/oauth2/authorize?${query}#wechat_redirect`;
  }

  const open = (url: string) => fetch(url, { redirect: 'manual' });

  async function submit(path: string, form: Record<string, string>) {
    return fetch(`${emulator.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  async function exchange(code: string): Promise<{ body: Body; type: string | null }> {
    const res = await fetch(
      `${emulator.url}/sns/oauth2/access_token?appid=${APP_ID}&secret=${APP_SECRET}&code=${code}&grant_type=authorization_code`,
    );
    return { body: JSON.parse(await res.text()) as Body, type: res.headers.get('content-type') };
  }

  const codeOf = (res: Response) => new URL(res.headers.get('location')!).searchParams.get('code')!;

  it('snsapi_base: redirects at once as the signed-in user, with a single-use code', async () => {
    emulator.signIn('o_alice_0001');
    const res = await open(authorizeUrl());
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('state')).toBe('abc123');
    const code = location.searchParams.get('code')!;

    const first = await exchange(code);
    expect(first.type).toBe('text/plain');
    expect(first.body).toEqual({
      access_token: expect.any(String),
      expires_in: 7200,
      refresh_token: expect.any(String),
      openid: 'o_alice_0001',
      scope: 'snsapi_base',
    });
    expect((await exchange(code)).body).toMatchObject({ errcode: 40163 });
    expect((await exchange('nonexistentcode')).body).toMatchObject({ errcode: 40029 });
  });

  it('lets a code die after 5 minutes unused', async () => {
    emulator.signIn('o_bob_000002');
    const code = codeOf(await open(authorizeUrl()));
    emulator.clock.advance(5 * 60_000);
    expect((await exchange(code)).body).toMatchObject({ errcode: 40029 });
  });

  it('snsapi_userinfo: consent page, Allow gives a code, then consent is remembered', async () => {
    emulator.signIn('o_alice_0001');
    const page = await open(authorizeUrl({ scope: 'snsapi_userinfo' }));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="allow"');
    expect(html).toContain('id="deny"');

    const allowed = await submit('/connect/oauth2/authorize/decision', {
      appid: APP_ID,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'snsapi_userinfo',
      state: 'abc123',
      decision: 'allow',
    });
    expect(allowed.status).toBe(302);
    const token = (await exchange(codeOf(allowed))).body;
    expect(token).toMatchObject({
      openid: 'o_alice_0001',
      scope: 'snsapi_userinfo',
      unionid: 'u_alice',
    });

    const info = await fetch(
      `${emulator.url}/sns/userinfo?access_token=${token.access_token}&openid=o_alice_0001&lang=zh_CN`,
    );
    expect(await info.json()).toEqual({
      openid: 'o_alice_0001',
      nickname: 'Alice',
      sex: 0,
      province: '',
      city: '',
      country: '',
      headimgurl: `${emulator.url}/mmopen/o_alice_0001/132`,
      privilege: [],
      unionid: 'u_alice',
    });
    const avatar = await fetch(`${emulator.url}/mmopen/o_alice_0001/132`);
    expect(avatar.headers.get('content-type')).toBe('image/svg+xml');
    expect(await avatar.text()).toContain('>A</text>');

    const again = await open(authorizeUrl({ scope: 'snsapi_userinfo' }));
    expect(again.status).toBe(302);
  });

  it('Deny sends the browser back with state and no code', async () => {
    emulator.signIn('o_bob_000002');
    const denied = await submit('/connect/oauth2/authorize/decision', {
      appid: APP_ID,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'snsapi_userinfo',
      state: 'xyz',
      decision: 'deny',
    });
    const location = new URL(denied.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('shows a user picker when nobody is signed in, and carries on after the choice', async () => {
    const page = await open(authorizeUrl());
    expect(await page.text()).toContain('o_bob_000002');
    const chosen = await submit('/connect/oauth2/authorize/signin', {
      appid: APP_ID,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'snsapi_base',
      state: 'abc123',
      openid: 'o_bob_000002',
    });
    expect(chosen.status).toBe(302);
    expect(chosen.headers.get('location')).toMatch(
      /^\/connect\/oauth2\/authorize\?appid=.*#wechat_redirect$/,
    );
    const back = await open(`${emulator.url}${chosen.headers.get('location')}`);
    expect((await exchange(codeOf(back))).body).toMatchObject({ openid: 'o_bob_000002' });
  });

  it.each([
    [
      'a redirect_uri off the configured domains',
      { redirect_uri: 'https://evil.example/cb' },
      10003,
    ],
    ['an unknown scope', { scope: 'snsapi_login' }, 10005],
    ['an empty scope', { scope: '' }, 10010],
    ['a wrong appid', { appid: 'wx00000000000000ff' }, 10012],
    ['a state longer than 128 bytes', { state: 'a'.repeat(129) }, 10013],
    ['a state with other characters', { state: 'a-b' }, 10013],
  ])('refuses %s with page error %i', async (_label, overrides, errcode) => {
    emulator.signIn('o_alice_0001');
    const res = await open(authorizeUrl(overrides));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`data-errcode="${errcode}"`);
  });

  it('checks the parameter order strictly', async () => {
    emulator.signIn('o_alice_0001');
    const res = await open(
      authorizeUrl({}, ['redirect_uri', 'appid', 'response_type', 'scope', 'state']),
    );
    expect(await res.text()).toContain('out of order');
  });

  it('answers userinfo for a base token with 48001, a foreign openid with 40003, an old token with 42001', async () => {
    emulator.signIn('o_alice_0001');
    const token = (await exchange(codeOf(await open(authorizeUrl())))).body.access_token as string;
    const info = (openid: string) =>
      fetch(`${emulator.url}/sns/userinfo?access_token=${token}&openid=${openid}`).then((r) =>
        r.json(),
      );
    expect(await info('o_alice_0001')).toMatchObject({ errcode: 48001 });
    expect(await info('o_bob_000002')).toMatchObject({ errcode: 40003 });
    const auth = (openid: string) =>
      fetch(`${emulator.url}/sns/auth?access_token=${token}&openid=${openid}`).then((r) =>
        r.json(),
      );
    expect(await auth('o_alice_0001')).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await auth('o_bob_000002')).toMatchObject({ errcode: 40003 });
    emulator.clock.advance(7_200_000);
    expect(await info('o_alice_0001')).toMatchObject({ errcode: 42001 });
  });

  it('refreshes web tokens for 30 days', async () => {
    emulator.signIn('o_alice_0001');
    const { refresh_token: refreshToken } = (await exchange(codeOf(await open(authorizeUrl()))))
      .body;
    const refresh = (rt: string) =>
      fetch(
        `${emulator.url}/sns/oauth2/refresh_token?appid=${APP_ID}&grant_type=refresh_token&refresh_token=${rt}`,
      ).then(async (r) => JSON.parse(await r.text()) as Body);
    expect(await refresh(refreshToken as string)).toMatchObject({
      openid: 'o_alice_0001',
      refresh_token: refreshToken,
    });
    expect(await refresh('not-a-refresh-token')).toMatchObject({ errcode: 40030 });
    emulator.clock.advance(30 * 86_400_000);
    expect(await refresh(refreshToken as string)).toMatchObject({ errcode: 42002 });
  });

  it('marks snapshot-page users', async () => {
    emulator.addUser({ openid: 'o_snapshot_01', snapshotUser: true });
    emulator.signIn('o_snapshot_01');
    expect((await exchange(codeOf(await open(authorizeUrl())))).body).toMatchObject({
      is_snapshotuser: 1,
    });
  });
});
