import { randomBytes } from 'node:crypto';

/** The errmsg texts WeChat sends for the codes the emulator produces. */
export const WECHAT_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40125: 'invalid appsecret',
  40243: 'AppSecret已被冻结，请登录小程序平台解冻后再次调用。',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  45009: 'reach max api daily quota limit, could get access_token by getStableAccessToken',
  47001: 'data format error',
  89503: 'this ip needs admin confirmation',
};

/** A request id in the shape WeChat appends to every errmsg. */
export function newRid(): string {
  const hex = randomBytes(12).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16, 24)}`;
}

/** An error body exactly as WeChat sends it: HTTP 200, errcode, errmsg ending in ` rid: ...`. */
export function errorBody(errcode: number, errmsg = WECHAT_ERRMSG[errcode] ?? 'error') {
  return { errcode, errmsg: `${errmsg} rid: ${newRid()}` };
}

/** The body WeChat sends for a successful call that carries an errcode (tickets, sends). */
export const OK_BODY = { errcode: 0, errmsg: 'ok' } as const;
