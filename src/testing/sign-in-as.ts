import { type AddressInfo } from 'node:net';
import { type WeChatEmulator } from './emulator/wechat-emulator.js';

/** The app to sign in to: its base URL, or a Nest application listening on a port. */
export type SignInTarget = string | { getHttpServer(): unknown };

/** Options of `signInAs`. */
export interface SignInOptions {
  /** A `@WeChatAuth()` page of the app to start from (`/me`); its scope is the session's. */
  path: string;
}

/** A test client signed in to the app as one emulator user. */
export interface SignedInClient {
  /** A `Cookie` header value with the session: `.set('Cookie', cookie)` in supertest. */
  cookie: string;
  /** The cookies the app set, by name. */
  cookies: Record<string, string>;
  /** `fetch` on the app with the session cookie: `await client.fetch('/me')`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Signs a test client in to `app` as the emulator user `openid`, the way WeChat's browser does:
 * the `@WeChatAuth()` page at `options.path`, WeChat's authorize page (allowing the consent page
 * of `snsapi_userinfo`), then the app's callback. Works on Express and Fastify, with Node's
 * `fetch` only. Call it again with another openid to switch users (one sign-in at a time: it
 * sets the emulator's signed-in user).
 */
export async function signInAs(
  app: SignInTarget,
  emulator: WeChatEmulator,
  openid: string,
  options: SignInOptions,
): Promise<SignedInClient> {
  const baseUrl = baseUrlOf(app);
  const cookies: Record<string, string> = {};
  const page = await visit(`${baseUrl}${options.path}`, cookies);
  const authorizeUrl = page.location;
  if (page.status !== 302 || !authorizeUrl?.startsWith(`${emulator.url}/`)) {
    throw new Error(
      `signInAs: GET ${options.path} answered ${page.status}${authorizeUrl ? ` to ${authorizeUrl}` : ''}, ` +
        `not a redirect to the emulator: is it a @WeChatAuth() page, and openBaseUrl the emulator's url?`,
    );
  }
  emulator.signIn(openid);
  const callback = new URL(await authorize(emulator, new URL(authorizeUrl)));
  // The app itself, whatever public origin (oauth.publicUrl) it put in the redirect_uri.
  const signedIn = await visit(
    `${new URL(baseUrl).origin}${callback.pathname}${callback.search}`,
    cookies,
  );
  if (signedIn.status !== 302 || !signedIn.setsCookies) {
    throw new Error(`signInAs: the app's callback answered ${signedIn.status}: ${signedIn.text}`);
  }
  const cookie = cookieHeader(cookies);
  return {
    cookie,
    cookies,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('Cookie', cookie);
      return fetch(`${baseUrl}${path}`, { ...init, headers });
    },
  };
}

interface Visit {
  status: number;
  location: string | null;
  setsCookies: boolean;
  text: string;
}

/** A GET as a browser page load with the jar's cookies; keeps the cookies the answer sets. */
async function visit(url: string, jar: Record<string, string>): Promise<Visit> {
  const cookie = cookieHeader(jar);
  const response = await fetch(url, {
    redirect: 'manual',
    headers: { Accept: 'text/html', ...(cookie && { Cookie: cookie }) },
  });
  const setCookies = response.headers.getSetCookie();
  for (const line of setCookies) {
    const [pair, ...attributes] = line.split(';');
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    if (attributes.some((a) => /^\s*max-age=(0|-)/i.test(a))) delete jar[name];
    else jar[name] = pair.slice(at + 1).trim();
  }
  return {
    status: response.status,
    location: response.headers.get('location'),
    setsCookies: setCookies.length > 0,
    text: await response.text(),
  };
}

function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

/** WeChat's authorize page as the signed-in emulator user: where it sends the browser back to. */
async function authorize(emulator: WeChatEmulator, authorizeUrl: URL): Promise<string> {
  let response = await fetch(authorizeUrl, { redirect: 'manual' });
  if (response.status === 200) {
    const html = await response.text();
    if (!html.includes('/connect/oauth2/authorize/decision')) {
      const refusal = /class="errcode"[^>]*>([^<]*)</.exec(html)?.[1] ?? html.slice(0, 200);
      throw new Error(`signInAs: WeChat's authorize page refused the app: ${refusal}`);
    }
    // The consent page of snsapi_userinfo: Allow.
    const form = new URLSearchParams(authorizeUrl.searchParams);
    form.set('decision', 'allow');
    response = await fetch(`${emulator.url}/connect/oauth2/authorize/decision`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  }
  await response.body?.cancel();
  const location = response.headers.get('location');
  if (!location) throw new Error(`signInAs: WeChat's authorize page answered ${response.status}`);
  return location;
}

function baseUrlOf(app: SignInTarget): string {
  if (typeof app === 'string') return app.replace(/\/+$/, '');
  const server = app.getHttpServer() as { address?(): AddressInfo | string | null };
  const address = server.address?.();
  if (!address || typeof address === 'string') {
    throw new Error(
      "signInAs: the app is not listening on a TCP port: await app.listen(0, '127.0.0.1') first, or pass its base URL",
    );
  }
  return `http://${hostOf(address.address)}:${address.port}`;
}

// A host the emulator accepts in redirect_uri (its default oauthDomains: localhost, 127.0.0.1).
function hostOf(address: string): string {
  if (address === '::' || address === '0.0.0.0' || address === '::ffff:127.0.0.1') {
    return '127.0.0.1';
  }
  if (address === '::1') return 'localhost';
  return address.includes(':') ? `[${address}]` : address;
}
