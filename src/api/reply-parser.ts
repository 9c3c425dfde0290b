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
  const { errcode, errmsg } = body as { errcode?: unknown; errmsg?: unknown };
  if (typeof errcode === 'number' && errcode !== 0) {
    throw createWeChatError(errcode, typeof errmsg === 'string' ? scrub(errmsg) : '', path);
  }
  return body as T;
}

/** Content types WeChat uses for JSON (errors of media downloads come as text/plain too). */
export function isJsonContentType(contentType: string | undefined): boolean {
  return !contentType || /json|text\/plain/i.test(contentType);
}
