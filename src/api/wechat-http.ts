import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { pipeline, Readable, Transform } from 'node:stream';
import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type AxiosError, type AxiosResponse } from 'axios';
import { CallDeadline } from '../http/call-deadline.js';
import { ShutdownSignal } from '../http/shutdown-signal.js';
import { BodyTooLargeError, readCappedBody } from '../http/capped-body.js';
import {
  decodeBody,
  failedCoding,
  FILE_CODINGS,
  JSON_CODINGS,
  RefusedContentCodingError,
} from '../http/content-coding.js';
import { admitUrl, type AdmittedUrl } from '../http/followed-url.js';
import { type DownloadStop, GuardedDownload } from '../http/guarded-download.js';
import { createIsolatedAxios } from '../http/isolated-axios.js';
import { UrlAllowList } from '../http/url-allow-list.js';
import { withRetry } from '../common/retry.js';
import { settlesWithin } from '../common/settles-within.js';
import { type ResolvedSharedOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_SHARED_OPTIONS } from '../wechat.constants.js';
import { HostSelector } from './host-selector.js';
import { ERRCODE } from './errcodes.js';
import { downloadFilename } from './download-filename.js';
import { isJsonContentType, parseJsonReply } from './reply-parser.js';
import { scrubSecrets } from './secret-scrubber.js';
import {
  WeChatApiError,
  WeChatArgumentError,
  WeChatTransportError,
  type WeChatTransportFailure,
} from './wechat-api.error.js';

/** A query-string value; `undefined` leaves the parameter out. */
export type QueryValue = string | number | boolean | undefined;

/** One call to a WeChat API host. */
export interface WeChatRequest {
  method: 'GET' | 'POST';
  /** Absolute path on the API host, e.g. `/cgi-bin/token`. */
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON-serialisable, or a stream (a multipart upload). */
  body?: unknown;
  headers?: Record<string, string>;
  /** May the call be repeated after a connection failure or HTTP 5xx? (`-1` is always retried.) */
  idempotent: boolean;
  /** A body that can be sent only once (a stream): no retry, no second host. */
  sendOnce?: boolean;
  /** The calling account's appSecret, masked in whatever WeChat's answer says (`AccountHttp`). */
  accountSecret?: string;
}

/**
 * A file WeChat sent back (media download), as a stream. The stream fails with a
 * `WeChatTransportError` (never a bare network error) when the file idles, runs past its
 * deadline, breaks off or the module shuts down.
 */
export interface WeChatDownload {
  stream: Readable;
  contentType: string;
  /** WeChat's file name reduced to a safe base name (no path, no control characters). */
  filename?: string;
  contentLength?: number;
}

const MAX_REDIRECTS = 3;
// Sockets per WeChat host. Thousands of accounts asking at once (a cold start, a burst of
// demand) would otherwise open a socket each and can run a machine out of ports; past this,
// calls queue for a socket, within their own deadline.
const MAX_SOCKETS_PER_HOST = 128;
const AGENT_OPTIONS = { keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST, maxFreeSockets: 32 };
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Query parameters that carry a secret of the account or of a user.
const SECRET_PARAMS = ['access_token', 'secret', 'refresh_token', 'code'];

/** An answer whose headers have come, with what its body is read against. */
interface Answer {
  response: AxiosResponse<Readable>;
  /** `host[:port]` that answered, for messages. */
  host: string;
  startedAt: number;
  /** The answer's body, its Content-Encoding undone (`response.data` is the body as sent). */
  body: Readable;
  /** The body came encoded (gzip, ...) and was decoded: its Content-Length is not its length. */
  decoded: boolean;
}

/**
 * The one place that speaks HTTP to WeChat, for every account of the module (one set of
 * connections however many accounts): builds the URL on the configured hosts, falls over to
 * the disaster-recovery hosts when a host cannot be reached, parses the body whatever its content
 * type, turns errcodes into typed errors and retries what is safe to retry. Each request is bounded
 * as a whole by `httpTimeoutMs` (a download's body by `download`'s timeouts), and JSON answers by
 * `jsonLimitBytes`. Nothing it throws carries the URL's query, where tokens and secrets travel,
 * and WeChat's errmsg has them masked.
 */
@Injectable()
export class WeChatHttp implements OnModuleDestroy, OnApplicationShutdown {
  // Own keep-alive agents: connections are reused, and all of them close with the module.
  private readonly httpAgent = new HttpAgent(AGENT_OPTIONS);
  private readonly httpsAgent = new HttpsAgent(AGENT_OPTIONS);
  // URLs from answers have agents of their own: their sockets go to checked addresses only.
  private readonly followHttpAgent = new HttpAgent(AGENT_OPTIONS);
  private readonly followHttpsAgent = new HttpsAgent(AGENT_OPTIONS);
  // Never the process-wide axios: the app's interceptors and defaults must not see secrets.
  private readonly axios = createIsolatedAxios();
  private readonly hosts: HostSelector;
  private readonly allowList: UrlAllowList;
  // Shutdown: calls in flight get `shutdownGraceMs` to finish, then are cut and not retried.
  private readonly shutdown = new ShutdownSignal();
  private readonly inflight = new Set<Promise<unknown>>();
  private shutdownStartedAt?: number;

  constructor(@Inject(WECHAT_SHARED_OPTIONS) private readonly options: ResolvedSharedOptions) {
    this.hosts = new HostSelector(options.apiBaseUrls, options.clock);
    this.allowList = new UrlAllowList(options.download.urlAllowList);
  }

  /** Sends the request and resolves to WeChat's JSON answer. */
  request<T>(request: WeChatRequest): Promise<T> {
    return this.withRetries(request, () =>
      this.overHosts(request, (answer) => this.readJson<T>(request, answer)),
    );
  }

  /**
   * Sends the request and resolves to the file WeChat streams back, or to its JSON answer when
   * it answers JSON without an errcode (a video's `video_url`).
   */
  download(request: WeChatRequest): Promise<WeChatDownload | { json: Record<string, unknown> }> {
    const asFile = { ...request, headers: { 'Accept-Encoding': FILE_CODINGS, ...request.headers } };
    return this.withRetries(asFile, () =>
      this.overHosts(asFile, async (answer) => {
        const { status, headers } = answer.response;
        if (status !== 200 || isJsonContentType(headers['content-type'] as string | undefined)) {
          return { json: await this.readJson<Record<string, unknown>>(request, answer) };
        }
        return this.asDownload(request.path, answer);
      }),
    );
  }

  /**
   * Streams a file from an absolute URL WeChat gave (a video's CDN address), without a token,
   * once the URL passes the rules of `download.urlAllowList` (refusals are `WeChatArgumentError`s
   * on `source`); at most 3 redirects, each checked alike.
   */
  async downloadUrl(url: string, source = 'url'): Promise<WeChatDownload> {
    if (this.shutdown.aborted) throw shutDown(source);
    const deadline = new CallDeadline(this.options.httpTimeoutMs, this.shutdown);
    const startedAt = Date.now();
    const at: FailurePoint = { path: source, host: hostOf(url), deadline };
    try {
      let target = await deadline.race(admitUrl(url, source, this.allowList));
      for (let redirects = 0; ; redirects++) {
        at.path = target.url.pathname;
        at.host = target.url.host;
        at.status = undefined;
        const response = await this.get(target, deadline.signal);
        at.status = response.status;
        const location = response.headers.location as unknown;
        if (!REDIRECT_STATUSES.has(response.status) || typeof location !== 'string') {
          return this.fileOf(at.path, {
            response,
            host: at.host,
            startedAt,
            ...decodedBody(response),
          });
        }
        response.data.destroy();
        if (redirects === MAX_REDIRECTS) {
          throw new WeChatTransportError(
            at.path,
            `more than ${MAX_REDIRECTS} redirects`,
            response.status,
          );
        }
        const hop = `${source} (redirect ${redirects + 1})`;
        target = await deadline.race(admitUrl(location, hop, this.allowList, { base: target.url }));
      }
    } catch (error) {
      throw this.failure(error, at);
    } finally {
      deadline.dispose();
    }
  }

  onModuleDestroy(): void {
    this.shutdownStartedAt ??= Date.now();
  }

  // Cut only here, after the credentials' onModuleDestroy has drained their fetches (Nest 11
  // runs one module's onModuleDestroy hooks all at once): the grace counts from shutdown's start.
  async onApplicationShutdown(): Promise<void> {
    const graceLeft =
      (this.shutdownStartedAt ?? Date.now()) + this.options.shutdownGraceMs - Date.now();
    if (this.inflight.size > 0 && graceLeft > 0) {
      await settlesWithin(Promise.allSettled([...this.inflight]), graceLeft);
    }
    this.shutdown.abort();
    for (const agent of [
      this.httpAgent,
      this.httpsAgent,
      this.followHttpAgent,
      this.followHttpsAgent,
    ]) {
      agent.destroy();
    }
  }

  private withRetries<T>(request: WeChatRequest, attempt: () => Promise<T>): Promise<T> {
    if (this.shutdown.aborted) return Promise.reject(shutDown(request.path));
    const policy = request.sendOnce ? { ...this.options.retry, attempts: 1 } : this.options.retry;
    const work = withRetry(
      policy,
      (error) => isRetryable(error, request.idempotent),
      attempt,
      this.shutdown,
    );
    this.inflight.add(work);
    const settled = () => void this.inflight.delete(work);
    work.then(settled, settled);
    return work;
  }

  private async overHosts<R>(
    request: WeChatRequest,
    consume: (answer: Answer) => Promise<R>,
  ): Promise<R> {
    const hosts = request.sendOnce ? this.hosts.order().slice(0, 1) : this.hosts.order();
    let lastFailure: WeChatTransportError | undefined;
    for (const baseUrl of hosts) {
      try {
        return await this.exchange(baseUrl, request, consume);
      } catch (error) {
        // Only a call that got no answer moves on: an answered one may already have taken effect.
        const moveOn =
          error instanceof WeChatTransportError &&
          error.isConnectionFailure &&
          !this.shutdown.aborted;
        if (!moveOn) throw error;
        this.hosts.markDown(baseUrl);
        lastFailure = error;
      }
    }
    throw lastFailure!;
  }

  /**
   * One request to one host, within `httpTimeoutMs` as a whole: connecting, sending, the headers
   * and whatever `consume` reads of the body.
   */
  private async exchange<R>(
    baseUrl: string,
    request: WeChatRequest,
    consume: (answer: Answer) => Promise<R>,
  ): Promise<R> {
    const deadline = new CallDeadline(this.options.httpTimeoutMs, this.shutdown);
    const at: FailurePoint = { path: request.path, host: new URL(baseUrl).host, deadline };
    const startedAt = Date.now();
    try {
      const response = await this.send(baseUrl, request, deadline);
      at.status = response.status;
      this.hosts.markUp(baseUrl);
      return await consume({ response, host: at.host, startedAt, ...decodedBody(response) });
    } catch (error) {
      // axios leaves a failed request's body stream open.
      if (request.body instanceof Readable) request.body.destroy();
      throw this.failure(error, at);
    } finally {
      deadline.dispose();
    }
  }

  private send(
    baseUrl: string,
    request: WeChatRequest,
    deadline: CallDeadline,
  ): Promise<AxiosResponse<Readable>> {
    const encoded = encodeBody(request);
    return this.axios.request<Readable>({
      method: request.method,
      url: baseUrl + request.path,
      params: request.query,
      data: encoded.data instanceof Readable ? paced(encoded.data, deadline) : encoded.data,
      headers: { 'Accept-Encoding': JSON_CODINGS, ...encoded.headers },
      // Answers are read by this class, against the call's deadline and the size limit.
      responseType: 'stream',
      validateStatus: () => true,
      // WeChat does not redirect; without redirects axios streams bodies instead of buffering.
      maxRedirects: 0,
      maxBodyLength: Infinity,
      maxContentLength: -1,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      signal: deadline.signal,
    });
  }

  private get(target: AdmittedUrl, signal: AbortSignal): Promise<AxiosResponse<Readable>> {
    return this.axios.request<Readable>({
      url: target.url.href,
      responseType: 'stream',
      validateStatus: () => true,
      maxRedirects: 0,
      maxContentLength: -1,
      headers: { 'Accept-Encoding': FILE_CODINGS },
      lookup: target.lookup,
      httpAgent: this.followHttpAgent,
      httpsAgent: this.followHttpsAgent,
      signal,
    });
  }

  /** WeChat's JSON answer, read whole within the call's deadline and `jsonLimitBytes`. */
  private async readJson<T>(request: WeChatRequest, answer: Answer): Promise<T> {
    const { status } = answer.response;
    if (status !== 200) {
      answer.body.destroy();
      throw new WeChatTransportError(request.path, `HTTP ${status}`, status);
    }
    const body = await readCappedBody(answer.body, this.options.jsonLimitBytes, bodyLength(answer));
    const secrets = [request.accountSecret, ...SECRET_PARAMS.map((name) => request.query?.[name])];
    return parseJsonReply<T>(request.path, status, body.toString('utf8'), (text) =>
      scrubSecrets(text, secrets),
    );
  }

  private fileOf(path: string, answer: Answer): WeChatDownload {
    const { status } = answer.response;
    if (status !== 200) {
      answer.body.destroy();
      throw new WeChatTransportError(path, `HTTP ${status}`, status);
    }
    return this.asDownload(path, answer);
  }

  private asDownload(path: string, answer: Answer): WeChatDownload {
    const { response, body, host, startedAt } = answer;
    const { download } = this.options;
    const { idleTimeoutMs, deadlineMs, maxBytes } = download;
    const contentLength = bodyLength(answer);
    if (maxBytes !== undefined && contentLength !== undefined && contentLength > maxBytes) {
      body.destroy();
      throw new WeChatTransportError(path, tooLarge(host, maxBytes), 200, undefined, 'too-large');
    }
    const stream = new GuardedDownload(body, {
      idleTimeoutMs,
      deadlineAt: deadlineMs === undefined ? undefined : startedAt + deadlineMs,
      maxBytes,
      stop: this.shutdown,
      toError: (stop, cause) => downloadFailure(stop, cause, { path, host, download }),
    });
    return {
      stream,
      contentType: String(response.headers['content-type'] ?? ''),
      filename: downloadFilename(response.headers['content-disposition'] as string | undefined),
      contentLength,
    };
  }

  /** The typed error for whatever ended a request; the library's own errors pass as they are. */
  private failure(error: unknown, at: FailurePoint): Error {
    const { path, host, status, deadline } = at;
    if (
      error instanceof WeChatApiError ||
      error instanceof WeChatTransportError ||
      error instanceof WeChatArgumentError
    ) {
      return error;
    }
    if (this.shutdown.aborted) return shutDown(path);
    if (deadline.timedOut) {
      const problem = `no whole answer from ${host} within ${deadline.ms} ms (option httpTimeoutMs)`;
      return new WeChatTransportError(path, problem, status, 'ECONNABORTED', 'timeout');
    }
    if (error instanceof RefusedContentCodingError) {
      const problem = `the answer from ${host} ${error.problem}`;
      return new WeChatTransportError(path, problem, status, undefined, 'bad-answer');
    }
    if (error instanceof BodyTooLargeError) {
      const problem =
        `the answer from ${host} is larger than ${error.limitBytes} bytes ` +
        '(option jsonLimitBytes); the rest was not read';
      return new WeChatTransportError(path, problem, status, undefined, 'too-large');
    }
    const code = (error as AxiosError).code ?? 'ERR_NETWORK';
    const coding = failedCoding(error);
    if (coding !== undefined) {
      const problem = `the answer from ${host} is not valid ${coding} (${code})`;
      return new WeChatTransportError(path, problem, status, code, 'bad-answer');
    }
    if (status !== undefined) {
      const problem = `the answer from ${host} broke off (${code})`;
      return new WeChatTransportError(path, problem, status, code, 'cut-off');
    }
    return new WeChatTransportError(path, `no answer from ${host} (${code})`, undefined, code);
  }
}

/** Where a request failed: its path, the host, the status if headers came, and its deadline. */
interface FailurePoint {
  path: string;
  host: string;
  status?: number;
  deadline: CallDeadline;
}

/**
 * An upload as it is sent. Its time is the uploader's (a large file on a slow link): each chunk
 * the connection takes gives the deadline its whole time again, and so does the body's end, so
 * the answer gets `httpTimeoutMs` of its own. An upstream that stops taking the body still times
 * out.
 */
function paced(body: Readable, deadline: CallDeadline): Readable {
  const sent = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      deadline.restart();
      callback(null, chunk);
    },
    flush(callback) {
      deadline.restart();
      callback();
    },
  });
  // Either side failing fails both: the request sees the file's error, the file is closed.
  pipeline(body, sent, () => undefined);
  return sent;
}

/**
 * The answer's body as its sender meant it (axios is told not to decompress: it would keep the
 * encoded Content-Length and drop the Content-Encoding that says so).
 */
function decodedBody(response: AxiosResponse<Readable>) {
  return decodeBody(response.data, response.headers['content-encoding']);
}

/** The body's length in bytes when the answer declares it truly (not for a decoded body). */
function bodyLength({ response, decoded }: Answer): number | undefined {
  const length = Number(response.headers['content-length']);
  return !decoded && Number.isFinite(length) ? length : undefined;
}

/** The URL's `host[:port]` (never its credentials), for messages. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(not a URL)';
  }
}

/** JSON for plain values; streams, buffers and strings go as they are. */
function encodeBody(request: WeChatRequest): { data: unknown; headers?: Record<string, string> } {
  const { body, headers } = request;
  if (
    body === undefined ||
    typeof body === 'string' ||
    body instanceof Readable ||
    Buffer.isBuffer(body)
  ) {
    return { data: body, headers };
  }
  return {
    data: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
  };
}

function shutDown(path: string): WeChatTransportError {
  return new WeChatTransportError(
    path,
    'the WeChat module has shut down',
    undefined,
    'ERR_SHUT_DOWN',
  );
}

function tooLarge(host: string, maxBytes: number): string {
  return (
    `the download from ${host} is larger than ${maxBytes} bytes (option download.maxBytes); ` +
    'the rest was not read'
  );
}

/** The error a download's stream fails with. */
function downloadFailure(
  stop: DownloadStop,
  cause: unknown,
  at: { path: string; host: string; download: ResolvedSharedOptions['download'] },
): WeChatTransportError {
  const { path, host, download } = at;
  const failed = (problem: string, code: string | undefined, failure: WeChatTransportFailure) =>
    new WeChatTransportError(path, problem, 200, code, failure);
  switch (stop) {
    case 'idle':
      return failed(
        `the download from ${host} sent nothing for ${download.idleTimeoutMs} ms ` +
          '(option download.idleTimeoutMs)',
        'ECONNABORTED',
        'timeout',
      );
    case 'deadline':
      return failed(
        `the download from ${host} did not finish within ${download.deadlineMs} ms ` +
          '(option download.deadlineMs)',
        'ECONNABORTED',
        'timeout',
      );
    case 'shut-down':
      return failed('the WeChat module has shut down', 'ERR_SHUT_DOWN', 'shut-down');
    case 'too-large':
      return failed(tooLarge(host, download.maxBytes!), undefined, 'too-large');
    case 'cut-off': {
      const code = (cause as { code?: string } | undefined)?.code ?? 'ERR_NETWORK';
      // The bytes came but do not decode: a retry would fetch the same bytes.
      const coding = failedCoding(cause);
      if (coding !== undefined) {
        return failed(
          `the download from ${host} is not valid ${coding} (${code})`,
          code,
          'bad-answer',
        );
      }
      return failed(`the download from ${host} broke off (${code})`, code, 'cut-off');
    }
  }
}

function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (error instanceof WeChatApiError) return error.errcode === ERRCODE.SYSTEM_BUSY;
  if (!(error instanceof WeChatTransportError) || !idempotent) return false;
  // A timeout or a cut-off answer of an idempotent call is tried again, as a lost connection is.
  return (
    error.isConnectionFailure ||
    (error.status ?? 0) >= 500 ||
    error.failure === 'timeout' ||
    error.failure === 'cut-off'
  );
}

/** One account's calls: `WeChatHttp` with the account's appSecret masked in WeChat's answers. */
export class AccountHttp {
  constructor(
    private readonly http: WeChatHttp,
    private readonly appSecret: string,
  ) {}

  request<T>(request: WeChatRequest): Promise<T> {
    return this.http.request<T>({ ...request, accountSecret: this.appSecret });
  }

  download(request: WeChatRequest): Promise<WeChatDownload | { json: Record<string, unknown> }> {
    return this.http.download({ ...request, accountSecret: this.appSecret });
  }

  downloadUrl(url: string, source?: string): Promise<WeChatDownload> {
    return this.http.downloadUrl(url, source);
  }
}
