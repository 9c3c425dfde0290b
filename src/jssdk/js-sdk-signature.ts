import { createHash } from 'node:crypto';

/** The inputs of a JS-SDK signature (wechat-api.md section 5). */
export interface JsSdkSignatureInput {
  ticket: string;
  nonceStr: string;
  timestamp: number;
  url: string;
}

/**
 * sha1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…` (keys in ASCII order, values unescaped,
 * the url without its `#fragment`), as lowercase hex.
 */
export function signJsSdk({ ticket, nonceStr, timestamp, url }: JsSdkSignatureInput): string {
  const plain = `jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${withoutFragment(url)}`;
  return createHash('sha1').update(plain).digest('hex');
}

export function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}
