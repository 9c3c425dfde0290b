import { describeErrcode, type WeChatErrorKind } from './errcodes.js';

const RID = /\s*rid:\s*([0-9a-f-]+)\s*$/i;

/** WeChat answered with a non-zero errcode. Carries no token and no secret. */
export class WeChatApiError extends Error {
  override name = 'WeChatApiError';
  readonly errcode: number;
  /** WeChat's errmsg, without the trailing request id. */
  readonly errmsg: string;
  /** WeChat's request id (`rid`), worth quoting to WeChat support. */
  readonly rid?: string;
  /** The API path, e.g. `/cgi-bin/user/info` (never the query, which holds the token). */
  readonly path: string;
  readonly kind: WeChatErrorKind;

  constructor(details: { errcode: number; errmsg: string; path: string; explanation?: string }) {
    const info = describeErrcode(details.errcode);
    const errmsg = details.errmsg.replace(RID, '');
    const rid = RID.exec(details.errmsg)?.[1];
    super(
      `WeChat ${details.path} failed with ${details.errcode} (${errmsg}): ` +
        `${details.explanation ?? info.explanation}${rid ? ` [rid ${rid}]` : ''}`,
    );
    this.errcode = details.errcode;
    this.errmsg = errmsg;
    this.rid = rid;
    this.path = details.path;
    this.kind = info.kind;
  }
}

/** The module's setup is wrong (appId, AppSecret, IP whitelist): not retried, fix the setup. */
export class WeChatConfigurationError extends WeChatApiError {
  override name = 'WeChatConfigurationError';
  override readonly kind = 'configuration' as const;
}

/** A WeChat quota is used up (45009). */
export class WeChatQuotaError extends WeChatApiError {
  override name = 'WeChatQuotaError';
  override readonly kind = 'quota' as const;
}

/**
 * What went wrong on the way to WeChat or back: `no-answer` (the connection failed before an
 * answer), `timeout` (no whole answer within `httpTimeoutMs`, or a download that idled past
 * `download.idleTimeoutMs` or ran past `download.deadlineMs`), `too-large` (a JSON answer over
 * `jsonLimitBytes`, a file over `download.maxBytes`), `cut-off` (the answer broke off mid-body),
 * `bad-answer` (an HTTP error status, a body that is not a WeChat reply or does not decode, too
 * many redirects), `shut-down` (the module closed).
 */
export type WeChatTransportFailure =
  'no-answer' | 'timeout' | 'too-large' | 'cut-off' | 'bad-answer' | 'shut-down';

/**
 * WeChat could not be reached, or answered something that is not a WeChat reply. Its `kind` is
 * always `upstream` (try again later); `failure` says what happened.
 */
export class WeChatTransportError extends Error {
  override name = 'WeChatTransportError';
  readonly kind = 'upstream' as const;
  readonly failure: WeChatTransportFailure;

  constructor(
    readonly path: string,
    problem: string,
    /** The HTTP status, when WeChat answered one. */
    readonly status?: number,
    /**
     * The network error code (`ECONNREFUSED`, `ECONNRESET`, `ECONNABORTED` for a timeout, ...),
     * when the connection failed or was given up.
     */
    readonly code?: string,
    failure?: WeChatTransportFailure,
  ) {
    super(`WeChat ${path} failed: ${problem}`);
    this.failure = failure ?? defaultFailure(code);
  }

  /** No answer came, so another host may succeed and an idempotent call may be repeated. */
  get isConnectionFailure(): boolean {
    return this.status === undefined;
  }
}

function defaultFailure(code: string | undefined): WeChatTransportFailure {
  if (code === 'ERR_SHUT_DOWN') return 'shut-down';
  return code === undefined ? 'bad-answer' : 'no-answer';
}

/** The error class that fits an errcode. */
export function createWeChatError(
  errcode: number,
  errmsg: string,
  path: string,
  explanation?: string,
): WeChatApiError {
  const details = { errcode, errmsg, path, explanation };
  switch (describeErrcode(errcode).kind) {
    case 'configuration':
      return new WeChatConfigurationError(details);
    case 'quota':
      return new WeChatQuotaError(details);
    default:
      return new WeChatApiError(details);
  }
}

/** An argument refused before anything was sent to WeChat (the message says which and why). */
export class WeChatArgumentError extends Error {
  override name = 'WeChatArgumentError';
  readonly kind = 'invalid-argument' as const;

  constructor(
    /** The argument at fault, e.g. `menu.button[1].name`. */
    readonly argument: string,
    problem: string,
  ) {
    super(`${argument} ${problem}`);
  }
}
