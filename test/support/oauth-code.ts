import { type WeChatEmulator } from '../../src/testing/index.js';

/**
 * Walks the emulator's authorize page (and its consent form for `snsapi_userinfo`) as the
 * signed-in emulator user and returns the code WeChat would put on the redirect.
 */
export async function authorizationCode(
  emulator: WeChatEmulator,
  authorizeUrl: string,
): Promise<string> {
  const url = new URL(authorizeUrl.replace('#wechat_redirect', ''));
  let res = await fetch(url, { redirect: 'manual' });
  if (res.status === 200) {
    const params = url.searchParams;
    res = await fetch(`${emulator.url}/connect/oauth2/authorize/decision`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        appid: params.get('appid')!,
        redirect_uri: params.get('redirect_uri')!,
        response_type: 'code',
        scope: params.get('scope')!,
        state: params.get('state')!,
        decision: 'allow',
      }).toString(),
    });
  }
  const location = res.headers.get('location');
  if (!location) throw new Error(`the authorize page answered ${res.status} without a redirect`);
  return new URL(location).searchParams.get('code')!;
}
