import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One HTTP exchange of a push or of the URL verification. */
export interface PushExchange {
  method: 'GET' | 'POST';
  url: URL;
  body?: string;
  contentType?: string;
}

/** How an exchange ended: an answer, no answer in time, or no connection. */
export type PushExchangeResult =
  | { kind: 'answer'; status: number; body: string; tooLarge: boolean; ms: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'connection'; error: string; ms: number };

/** Thrown when the emulator closes during an exchange. */
export class PushAbortedError extends Error {
  override readonly name = 'PushAbortedError';

  constructor() {
    super('WeChatEmulator closed while a push or URL verification was under way');
  }
}

// Replies are a few kilobytes; a larger answer is read no further.
const MAX_ANSWER_BYTES = 1024 * 1024;
// WeChat's push requests in an app's nginx log: HTTP/1.1, user agent "Mozilla/4.0"
// (https://an.rustfisher.com/nestjs/mp-wx-http-status-code).
const USER_AGENT = 'Mozilla/4.0';

/**
 * Sends one request on a connection of its own (no keep-alive: nothing stays open once the
 * answer is in) and waits at most `timeoutMs` of real time for the whole answer, then drops the
 * connection, as WeChat does. `signal` aborting (the emulator closing) drops it at once and
 * rejects with `PushAbortedError`.
 */
export function exchange(
  request: PushExchange,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PushExchangeResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new PushAbortedError());
      return;
    }
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const headers: OutgoingHttpHeaders = { 'User-Agent': USER_AGENT, Accept: '*/*' };
    if (request.body !== undefined) {
      headers['Content-Type'] = request.contentType;
      headers['Content-Length'] = Buffer.byteLength(request.body);
    }
    const send = request.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const client = send(request.url, { method: request.method, headers, agent: false });

    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      finish();
    };
    const timer = setTimeout(() => {
      settle(() => resolve({ kind: 'timeout', ms: elapsed() }));
      client.destroy();
    }, timeoutMs);
    const onAbort = () => {
      settle(() => reject(new PushAbortedError()));
      client.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });

    client.on('error', (error) => {
      settle(() => resolve({ kind: 'connection', error: error.message, ms: elapsed() }));
    });
    client.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = (tooLarge: boolean) => ({
        kind: 'answer' as const,
        status,
        body: Buffer.concat(chunks).toString('utf8'),
        tooLarge,
        ms: elapsed(),
      });
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES) {
          chunks.push(chunk);
          return;
        }
        settle(() => resolve(answer(true)));
        client.destroy();
      });
      response.on('end', () => settle(() => resolve(answer(false))));
      response.on('error', (error) => {
        settle(() => resolve({ kind: 'connection', error: error.message, ms: elapsed() }));
      });
    });
    client.end(request.body);
  });
}
