/** What a caller should do about an error: the classification every WeChat error carries. */
export type WeChatErrorKind =
  | 'configuration'
  | 'token'
  | 'quota'
  | 'rate-limit'
  | 'user-state'
  | 'invalid-argument'
  | 'upstream'
  | 'unknown';

export interface ErrcodeInfo {
  kind: WeChatErrorKind;
  /** A sentence for the person reading the log: what happened and what to do. */
  explanation: string;
}

const IP_CONFIRM = 'an administrator must confirm this IP in the WeChat notification, then retry';

/** Known errcodes (wechat-api.md); codes not listed are `unknown`. */
export const ERRCODES: Readonly<Record<number, ErrcodeInfo>> = {
  [-1]: { kind: 'upstream', explanation: 'WeChat is busy; the call is retried with backoff' },
  40001: {
    kind: 'token',
    explanation:
      'the access_token is invalid or was superseded; it is renewed and the call retried once',
  },
  40002: { kind: 'configuration', explanation: 'invalid grant_type (please report this bug)' },
  40013: {
    kind: 'configuration',
    explanation: 'the appId is not a valid AppID: check option appId against the account settings',
  },
  40014: {
    kind: 'token',
    explanation: 'the access_token is malformed; it is renewed and the call retried once',
  },
  40125: {
    kind: 'configuration',
    explanation:
      'the AppSecret is wrong: set option appSecret to the current AppSecret (was it reset?)',
  },
  40164: {
    kind: 'configuration',
    explanation:
      "this server's IP is not on the account's IP whitelist: add it in the WeChat admin console",
  },
  40243: {
    kind: 'configuration',
    explanation: 'the AppSecret is frozen: unfreeze it in the WeChat admin console',
  },
  41001: { kind: 'token', explanation: 'no access_token was sent' },
  41002: { kind: 'configuration', explanation: 'the appId is missing: set option appId' },
  41004: { kind: 'configuration', explanation: 'the AppSecret is missing: set option appSecret' },
  42001: {
    kind: 'token',
    explanation: 'the access_token expired; it is renewed and the call retried once',
  },
  43002: { kind: 'invalid-argument', explanation: 'this API requires POST' },
  45009: {
    kind: 'quota',
    explanation:
      "the API's daily quota is used up; it resets at 00:00 Beijing time (or use clear_quota)",
  },
  47001: {
    kind: 'invalid-argument',
    explanation: 'the request body is not valid JSON of the expected shape',
  },
  89501: { kind: 'configuration', explanation: IP_CONFIRM },
  89503: { kind: 'configuration', explanation: IP_CONFIRM },
  89506: {
    kind: 'configuration',
    explanation: 'an administrator refused this IP; calls from it are blocked for 24 hours',
  },
  89507: {
    kind: 'configuration',
    explanation: 'an administrator refused this IP; calls from it are blocked for 1 hour',
  },
};

/** The classification of an errcode. */
export function describeErrcode(errcode: number): ErrcodeInfo {
  return (
    ERRCODES[errcode] ?? {
      kind: 'unknown',
      explanation: 'see the WeChat documentation for this errcode',
    }
  );
}

/** Errcodes that mean "this access_token is no good": compare-and-expire, then retry once. */
export const STALE_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
