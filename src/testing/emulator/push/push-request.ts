import { pushSignature } from '../../../push/push-signature.js';
import { type PushConfig } from './push-config.js';
import { pushNonce } from './push-ids.js';
import { type PushFields, pushJson, pushXml } from './push-serialize.js';

/**
 * One push as it goes on the wire; every try sends exactly this, to one of `urls` (several when
 * the tries are sprayed across instances, each with the same query).
 */
export interface PushRequest {
  urls: URL[];
  body: string;
  contentType: string;
}

/**
 * The POST of a push (wechat-push.md section 3): query `signature`, `timestamp`, `nonce`,
 * `openid`, plus `encrypt_type=aes` and `msg_signature` (over the `Encrypt` value) in compatible
 * and safe mode. The body is the message in plain mode, `ToUserName` and `Encrypt` in safe mode,
 * and the message's fields followed by `Encrypt` in compatible mode.
 */
export function buildPushRequest(
  config: PushConfig,
  fields: PushFields,
  appId: string,
  nowMs: number,
): PushRequest {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = pushNonce();
  const query: [string, string][] = [
    ['signature', pushSignature(config.token, timestamp, nonce)],
    ['timestamp', timestamp],
    ['nonce', nonce],
    ['openid', String(fields.FromUserName)],
  ];
  const render = config.format === 'json' ? pushJson : pushXml;
  const contentType = config.format === 'json' ? 'application/json' : 'text/xml';
  const plain = render(fields);
  if (config.mode === 'plain' || !config.cipher) {
    return { urls: withQuery(config.urls, query), body: plain, contentType };
  }

  const encrypt = config.cipher.encrypt(plain, appId);
  query.push(['encrypt_type', 'aes']);
  query.push(['msg_signature', pushSignature(config.token, timestamp, nonce, encrypt)]);
  const body =
    config.mode === 'safe'
      ? render({ ToUserName: fields.ToUserName, Encrypt: encrypt })
      : render({ ...fields, Encrypt: encrypt });
  return { urls: withQuery(config.urls, query), body, contentType };
}

// Keeps a query the configured URL has (`?account=shop`), as the console's URL keeps it.
function withQuery(urls: URL[], query: [string, string][]): URL[] {
  return urls.map((configured) => {
    const url = new URL(configured);
    for (const [name, value] of query) url.searchParams.set(name, value);
    return url;
  });
}
