import { expect } from '@jest/globals';

export type Body = Record<string, unknown>;

/** A global access_token straight from the emulator's `/cgi-bin/token`. */
export async function fetchAccessToken(
  baseUrl: string,
  appId: string,
  secret: string,
): Promise<string> {
  const url = `${baseUrl}/cgi-bin/token?grant_type=client_credential&appid=${appId}&secret=${secret}`;
  return ((await (await fetch(url)).json()) as Body).access_token as string;
}

/** GET a protected endpoint with `access_token` and `query`; the JSON answer. */
export async function getJson(
  baseUrl: string,
  path: string,
  accessToken: string,
  query: Record<string, string> = {},
): Promise<Body> {
  const url = new URL(path, baseUrl);
  url.searchParams.set('access_token', accessToken);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return (await (await fetch(url)).json()) as Body;
}

/** POST JSON to a protected endpoint; the raw answer text (for digits JSON.parse would lose). */
export async function postJsonText(
  baseUrl: string,
  path: string,
  accessToken: string,
  body: unknown,
): Promise<string> {
  const res = await fetch(`${baseUrl}${path}?access_token=${accessToken}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.text();
}

/** POST JSON to a protected endpoint; the JSON answer. */
export async function postJson(
  baseUrl: string,
  path: string,
  accessToken: string,
  body: unknown,
): Promise<Body> {
  return JSON.parse(await postJsonText(baseUrl, path, accessToken, body)) as Body;
}

/** Matches a WeChat error answer: the errcode, and an errmsg ending in a request id. */
export const refused = (
  errcode: number,
  errmsg: RegExp = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/,
) => ({
  errcode,
  errmsg: expect.stringMatching(errmsg),
});

export const OK_REPLY = { errcode: 0, errmsg: 'ok' };
