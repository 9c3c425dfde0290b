import { pushSignature } from '../../../push/push-signature.js';
import { type PushConfig } from './push-config.js';
import { exchange } from './push-http.js';
import { pushEchostr, pushNonce } from './push-ids.js';

/**
 * The console's URL verification when the server configuration is submitted (wechat-push.md
 * section 2; "消息推送", https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html):
 * GET `url?signature=&timestamp=&nonce=&echostr=`, and the answer's body must be `echostr`
 * unchanged (in every mode: echostr is never encrypted for an Official Account). Anything else
 * is the console's "Token验证失败": throws an Error saying what came back, never the token.
 * With several URLs (tries sprayed across instances) each is verified, at once, and the first
 * failing one in the list is reported.
 */
export async function verifyPushUrl(
  config: PushConfig,
  nowMs: number,
  signal: AbortSignal,
): Promise<void> {
  const results = await Promise.allSettled(
    config.urls.map((url) => verifyOne(url, config, nowMs, signal)),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

async function verifyOne(
  configured: URL,
  config: PushConfig,
  nowMs: number,
  signal: AbortSignal,
): Promise<void> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = pushNonce();
  const echostr = pushEchostr();
  const url = new URL(configured);
  url.searchParams.set('signature', pushSignature(config.token, timestamp, nonce));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('echostr', echostr);

  const result = await exchange({ method: 'GET', url }, config.tryTimeoutMs, signal);
  const failed = `configurePush: the URL verification of ${configured.href} failed (Token验证失败)`;
  if (result.kind === 'timeout') {
    throw new Error(`${failed}: no answer within ${config.tryTimeoutMs} ms`);
  }
  if (result.kind === 'connection') {
    throw new Error(`${failed}: no connection (${result.error})`);
  }
  if (result.status !== 200 || result.body !== echostr) {
    throw new Error(
      `${failed}: it answered HTTP ${result.status} with ${prefix(result.body)}, ` +
        `where WeChat expects HTTP 200 and exactly the echostr ${echostr}`,
    );
  }
}

function prefix(body: string): string {
  if (body === '') return 'an empty body';
  const shown = JSON.stringify(body.slice(0, 80));
  return body.length > 80 ? `${shown}… (${body.length} characters)` : shown;
}
