import { createWeChatError, WeChatTransportError } from './wechat-api.error.js';

// 64-bit ids (template msgid) outgrow JSON numbers: keep their digits by reading them as strings.
const BIG_IDS = /"(msgid|msg_id)"\s*:\s*(\d{16,})/g;

/**
 * WeChat's JSON answer as an object; a non-zero errcode becomes the fitting error, its errmsg
 * passed through `scrub` (which masks the secrets the request carried).
 */
export function parseJsonReply<T>(
  path: string,
  status: number,
  text: string,
  scrub: (upstreamText: string) => string = (upstreamText) => upstreamText,
): T {
  if (status !== 200) throw new WeChatTransportError(path, `HTTP ${status}`, status);
  let body: unknown;
  try {
    body = JSON.parse(text.replace(BIG_IDS, '"$1":"$2"'));
  } catch {
    throw new WeChatTransportError(path, 'the answer is not JSON', status);
  }
  if (typeof body !== 'object' || body === null) {
    throw new WeChatTransportError(path, 'the answer is not a JSON object', status);
  }
  const { errcode: given, errmsg } = body as { errcode?: unknown; errmsg?: unknown };
  const errcode = errcodeOf(given);
  if (errcode === undefined) {
    throw new WeChatTransportError(path, 'the answer has an errcode that is not a number', status);
  }
  if (errcode !== 0) {
    throw createWeChatError(errcode, typeof errmsg === 'string' ? scrub(errmsg) : '', path);
  }
  return body as T;
}

// WeChat sends a number; a proxy or a hostile upstream may send "40001": an error all the same.
// Absent means success (most answers carry no errcode at all).
function errcodeOf(errcode: unknown): number | undefined {
  if (errcode === undefined || errcode === null) return 0;
  if (typeof errcode === 'number' && Number.isInteger(errcode)) return errcode;
  if (typeof errcode === 'string' && /^-?\d{1,9}$/.test(errcode)) return Number(errcode);
  return undefined;
}

/** Content types WeChat uses for JSON (errors of media downloads come as text/plain too). */
export function isJsonContentType(contentType: string | undefined): boolean {
  return !contentType || /json|text\/plain/i.test(contentType);
}
