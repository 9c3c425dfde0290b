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
const arg = (explanation: string): ErrcodeInfo => ({ kind: 'invalid-argument', explanation });
const userState = (explanation: string): ErrcodeInfo => ({ kind: 'user-state', explanation });

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
  40003: arg('the openid is not a user of this account (is it from another appid?)'),
  40004: arg('the media type is not one of image, voice, video, thumb'),
  40005: arg('the file type is not allowed for this media type'),
  40006: arg('the file is larger than WeChat allows for this media type'),
  40007: arg('the media_id is unknown or has expired (temporary media live 3 days)'),
  40008: arg('the message type is not valid'),
  40009: arg('the image is larger than WeChat allows'),
  40010: arg('the voice file is larger than WeChat allows (2 MB)'),
  40011: arg('the video file is larger than WeChat allows (10 MB)'),
  40012: arg('the thumbnail is larger than WeChat allows (64 KB)'),
  40016: arg('a menu has 1 to 3 buttons'),
  40017: arg('a button type is not valid'),
  40018: arg('a button name is too long (16 bytes top level, 60 bytes in a sub menu)'),
  40019: arg('a button key is too long (at most 128 bytes)'),
  40020: arg('a button url is too long (at most 1024 bytes)'),
  40022: arg('a sub menu cannot hold another sub menu'),
  40023: arg('a sub menu has 1 to 5 buttons'),
  40024: arg('a sub menu button type is not valid'),
  40025: arg('a sub menu button name is too long (at most 60 bytes)'),
  40026: arg('a sub menu button key is too long (at most 128 bytes)'),
  40027: arg('a sub menu button url is too long (at most 1024 bytes)'),
  40032: arg('the openid list is empty or too long'),
  40037: arg("the template_id is not one of this account's templates"),
  40052: arg('the QR code action_name is not valid'),
  40053: arg('the QR code action_info or scene is not valid'),
  40092: arg('the remark is too long (at most 30 bytes)'),
  41005: arg('the upload carries no media file'),
  41006: arg('the media_id is missing'),
  44001: arg('the uploaded file is empty'),
  44002: arg('the request body is empty'),
  43004: userState('the user does not follow the account (require subscribe)'),
  43101: userState('the user has not accepted this subscription message'),
  45008: arg('a news message carries one article'),
  45011: { kind: 'rate-limit', explanation: 'the API is called too often; slow down' },
  45015: userState(
    'the user has not interacted with the account in the last 48 hours: customer-service messages cannot reach them',
  ),
  45047: userState('too many customer-service messages since the user last interacted'),
  45056: arg('the account has too many tags (at most 100)'),
  45057: arg('the tag has too many users to be deleted this way'),
  45058: arg('the system tags (0, 1, 2) cannot be changed'),
  45059: arg('a user can carry at most 20 tags'),
  45157: arg('the tag name is already used or not valid'),
  45158: arg('the tag name is too long (at most 30 bytes)'),
  45159: arg('the tag id is not valid'),
  46003: arg('the account has no menu'),
  47003: arg('an argument is missing or not valid (check the template data keys)'),
  48001: {
    kind: 'configuration',
    explanation: 'the account is not authorized for this API (check its permissions)',
  },
  48006: {
    kind: 'quota',
    explanation: 'clear_quota may be used 10 times a month; that is used up',
  },
  50001: { kind: 'configuration', explanation: 'the user has not authorized this API' },
  76021: arg('the cgi_path is not an API path WeChat knows'),
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
