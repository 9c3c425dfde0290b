import { exchange, type PushExchangeResult } from './push-http.js';
import {
  type EmulatorPushOutcome,
  type EmulatorPushTry,
  PUSH_UNAVAILABLE_NOTICE,
} from './push-outcome.js';
import { judgeReply, type ReplyContext } from './push-reply-check.js';
import { type PushRequest } from './push-request.js';
import { WECHAT_TRIES } from '../../../push/push-deliveries.js';

// Tries in all: WeChat's, as the library counts them. "微信服务器在五秒内收不到响应会断掉连接，并且重新发起
// 请求，总共重试三次" (Passive_user_reply_message, and Receiving_standard_messages): read, as
// wechat-push.md section 5 reads it, as three tries in all. One app's nginx log shows four requests
// for one message, the fourth from another WeChat address
// (https://an.rustfisher.com/nestjs/mp-wx-http-status-code), so "three retries after the first" is
// a possible reading too; the emulator keeps to three.
const PUSH_TRIES = WECHAT_TRIES;

const BODY_PREFIX = 200;

/**
 * Sends the push until an HTTP 200 answer comes, at most `PUSH_TRIES` times (try n, from 0, to
 * the n-th of the configured URLs, round the list when there are several), each try the very
 * same request: same query (signature, timestamp, nonce) and same body, as the nginx log above
 * shows (four requests, one `signature`/`timestamp`/`nonce`), so MsgId and CreateTime stay too.
 *
 * What is retried: no answer within the time limit and a failed connection (the docs: "五秒内收不
 * 到响应…重新发起请求"), and any status but 200: in the same log, NestJS's default 201 to a POST
 * was retried at once, though its body was `success`, and the user got the notice. A 200 answer
 * is final: a malformed one shows the notice (the docs list "回复了异常数据" among its causes and
 * mention no retry for it). Retries follow at once, as in that log, with no pause.
 */
export async function deliver(
  request: PushRequest,
  context: ReplyContext,
  signal: AbortSignal,
): Promise<EmulatorPushOutcome> {
  const answers: EmulatorPushTry[] = [];
  let lastProblem = '';
  const { urls, body, contentType } = request;
  for (let tries = 1; tries <= PUSH_TRIES; tries++) {
    // Sprayed: each try lands on the next instance, as a load balancer may send them.
    const target = (tries - 1) % urls.length;
    const result = await exchange(
      { method: 'POST', url: urls[target], body, contentType },
      context.config.tryTimeoutMs,
      signal,
    );
    const answer = tryOf(result);
    if (context.config.sprayed) answer.url = context.config.urls[target].href;
    answers.push(answer);
    if (result.kind === 'timeout') {
      lastProblem = `no answer within ${context.config.tryTimeoutMs} ms`;
    } else if (result.kind === 'connection') {
      lastProblem = `no connection (${result.error})`;
    } else if (result.status !== 200) {
      lastProblem = `HTTP ${result.status}`;
    } else if (result.tooLarge) {
      return unavailable('the answer is larger than 1 MiB', tries, answers);
    } else {
      const verdict = judgeReply(result.body, context);
      if (verdict.shown === 'unavailable') return unavailable(verdict.reason, tries, answers);
      return { ...verdict, tries, answers };
    }
  }
  return unavailable(`${lastProblem} on the last of ${PUSH_TRIES} tries`, PUSH_TRIES, answers);
}

function tryOf(result: PushExchangeResult): EmulatorPushTry {
  if (result.kind !== 'answer') return { failure: result.kind, ms: result.ms };
  return { status: result.status, ms: result.ms, bodyPrefix: result.body.slice(0, BODY_PREFIX) };
}

function unavailable(
  reason: string,
  tries: number,
  answers: EmulatorPushTry[],
): EmulatorPushOutcome {
  return { shown: 'unavailable', reason, notice: PUSH_UNAVAILABLE_NOTICE, tries, answers };
}
