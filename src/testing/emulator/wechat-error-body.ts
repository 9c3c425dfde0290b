import { randomBytes } from 'node:crypto';

/** The errmsg texts WeChat sends for the codes the emulator produces. */
export const WECHAT_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40007: 'invalid media_id',
  40008: 'invalid message type',
  40009: 'invalid image size',
  40010: 'invalid voice size',
  40011: 'invalid video size',
  40012: 'invalid thumb size',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40016: 'invalid button size',
  40017: 'invalid button type',
  40018: 'invalid button name size',
  40019: 'invalid button key size',
  40020: 'invalid button url size',
  40022: 'invalid sub_menu level',
  40023: 'invalid sub button size',
  40024: 'invalid sub button type',
  40025: 'invalid sub button name size',
  40026: 'invalid sub button key size',
  40027: 'invalid sub button url size',
  40032: 'invalid openid list size',
  40037: 'invalid template_id',
  40066: 'invalid url',
  40052: 'invalid action name',
  40053: 'invalid action info, please check document',
  40092: 'invalid remark name',
  40125: 'invalid appsecret',
  40243: 'AppSecret已被冻结，请登录小程序平台解冻后再次调用。',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  41006: 'media_id missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  43004: 'require subscribe',
  43101: 'user refuse to accept the msg',
  44001: 'empty media data',
  44002: 'empty post data',
  45008: 'article size out of limit',
  45009: 'reach max api daily quota limit, could get access_token by getStableAccessToken',
  45015: 'response out of time limit or subscription is canceled',
  45047: 'out of response count limit',
  45056: 'too many tags now, no need to add new',
  45057: "can't delete the tag that has too many fans",
  45058: "can't modify sys tag",
  45059: 'too many tags on the user, no need to add new',
  45157: 'invalid tag name',
  45158: 'tag name too long',
  45159: 'invalid tag id',
  46003: 'menu no exist',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
  48006: 'forbid to clear quota because of reaching the limit',
  76021: 'cgi_path not found, please check',
  // The docs give no errmsg for 76003; this text is the emulator's.
  76003: 'invalid cgi_path, it must start with / and leave out the host',
  76022: 'could not use this cgi_path, no permission',
  89503: 'this ip needs admin confirmation',
};

/** Why WeChat refuses a request: the errcode and, where it names a field, its own errmsg. */
export interface Refusal {
  errcode: number;
  errmsg?: string;
}

/**
 * A request id in the shape WeChat appends to every errmsg: three groups of 8 hex digits, the
 * first the time of the request in epoch seconds (rid `64dd8871-...` was answered on 2023-08-17,
 * 0x64dd8871 = 1692239985), the others opaque. WeChat's "查询 rid 信息" (getRidInfo) looks them up.
 */
export function newRid(nowMs = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  const hex = randomBytes(8).toString('hex');
  return `${seconds}-${hex.slice(0, 8)}-${hex.slice(8, 16)}`;
}

/** An error body exactly as WeChat sends it: HTTP 200, errcode, errmsg ending in ` rid: ...`. */
export function errorBody(errcode: number, errmsg = WECHAT_ERRMSG[errcode] ?? 'error') {
  return { errcode, errmsg: `${errmsg} rid: ${newRid()}` };
}

/** The body WeChat sends for a successful call that carries an errcode (tickets, sends). */
export const OK_BODY = { errcode: 0, errmsg: 'ok' } as const;
