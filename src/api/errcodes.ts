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

/** What an errcode means and what to do about it. */
export interface ErrcodeInfo {
  kind: WeChatErrorKind;
  /** A sentence for the person reading the log: what happened and what to do. */
  explanation: string;
}

const IP_CONFIRM = 'an administrator must confirm this IP in the WeChat notification, then retry';
const arg = (explanation: string): ErrcodeInfo => ({ kind: 'invalid-argument', explanation });
const userState = (explanation: string): ErrcodeInfo => ({ kind: 'user-state', explanation });

/**
 * WeChat's errcodes by name (after WeChat's errmsg), for code that looks for one. Each is
 * explained in `ERRCODES`, and each code there has a name here.
 */
export const ERRCODE = {
  SYSTEM_BUSY: -1,
  INVALID_CREDENTIAL: 40001,
  INVALID_GRANT_TYPE: 40002,
  INVALID_OPENID: 40003,
  INVALID_MEDIA_TYPE: 40004,
  INVALID_FILE_TYPE: 40005,
  INVALID_FILE_SIZE: 40006,
  INVALID_MEDIA_ID: 40007,
  INVALID_MESSAGE_TYPE: 40008,
  INVALID_IMAGE_SIZE: 40009,
  INVALID_VOICE_SIZE: 40010,
  INVALID_VIDEO_SIZE: 40011,
  INVALID_THUMB_SIZE: 40012,
  INVALID_APPID: 40013,
  INVALID_ACCESS_TOKEN: 40014,
  INVALID_BUTTON_SIZE: 40016,
  INVALID_BUTTON_TYPE: 40017,
  INVALID_BUTTON_NAME_SIZE: 40018,
  INVALID_BUTTON_KEY_SIZE: 40019,
  INVALID_BUTTON_URL_SIZE: 40020,
  INVALID_SUB_MENU_LEVEL: 40022,
  INVALID_SUB_BUTTON_SIZE: 40023,
  INVALID_SUB_BUTTON_TYPE: 40024,
  INVALID_SUB_BUTTON_NAME_SIZE: 40025,
  INVALID_SUB_BUTTON_KEY_SIZE: 40026,
  INVALID_SUB_BUTTON_URL_SIZE: 40027,
  INVALID_CODE: 40029,
  INVALID_REFRESH_TOKEN: 40030,
  INVALID_OPENID_LIST_SIZE: 40032,
  INVALID_TEMPLATE_ID: 40037,
  INVALID_ACTION_NAME: 40052,
  INVALID_ACTION_INFO: 40053,
  INVALID_REMARK_NAME: 40092,
  INVALID_APPSECRET: 40125,
  CODE_BEEN_USED: 40163,
  INVALID_IP: 40164,
  APPSECRET_FROZEN: 40243,
  ACCESS_TOKEN_MISSING: 41001,
  APPID_MISSING: 41002,
  REFRESH_TOKEN_MISSING: 41003,
  APPSECRET_MISSING: 41004,
  MEDIA_DATA_MISSING: 41005,
  MEDIA_ID_MISSING: 41006,
  CODE_MISSING: 41008,
  ACCESS_TOKEN_EXPIRED: 42001,
  REFRESH_TOKEN_EXPIRED: 42002,
  CODE_EXPIRED: 42003,
  REQUIRE_POST_METHOD: 43002,
  REQUIRE_SUBSCRIBE: 43004,
  USER_REFUSED_MESSAGE: 43101,
  EMPTY_MEDIA_DATA: 44001,
  EMPTY_POST_DATA: 44002,
  ARTICLE_SIZE_OUT_OF_LIMIT: 45008,
  DAILY_QUOTA_REACHED: 45009,
  MINUTE_QUOTA_REACHED: 45011,
  RESPONSE_OUT_OF_TIME_LIMIT: 45015,
  OUT_OF_RESPONSE_COUNT_LIMIT: 45047,
  TOO_MANY_TAGS: 45056,
  TAG_HAS_TOO_MANY_FANS: 45057,
  CANNOT_MODIFY_SYSTEM_TAG: 45058,
  TOO_MANY_TAGS_ON_USER: 45059,
  INVALID_TAG_NAME: 45157,
  TAG_NAME_TOO_LONG: 45158,
  INVALID_TAG_ID: 45159,
  NO_MENU: 46003,
  DATA_FORMAT_ERROR: 47001,
  ARGUMENT_INVALID: 47003,
  API_UNAUTHORIZED: 48001,
  CLEAR_QUOTA_LIMIT_REACHED: 48006,
  USER_UNAUTHORIZED: 50001,
  CGI_PATH_NOT_FOUND: 76021,
  IP_AWAITING_CONFIRMATION: 89501,
  IP_NEEDS_CONFIRMATION: 89503,
  IP_REFUSED_FOR_24_HOURS: 89506,
  IP_REFUSED_FOR_1_HOUR: 89507,
} as const;

/** An errcode named in `ERRCODE`. */
export type KnownErrcode = (typeof ERRCODE)[keyof typeof ERRCODE];

/**
 * Known errcodes (wechat-api.md); codes not listed are `unknown`. The compiler holds it and
 * `ERRCODE` to the same codes.
 */
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
  40029: arg('the code is wrong, expired or for another appid: the user must authorize again'),
  40030: arg('the refresh_token is not valid: the user must authorize again'),
  40163: arg('the code was used already (a code works once): the user must authorize again'),
  41003: arg('the refresh_token is missing'),
  41008: arg('the code is missing'),
  42002: arg('the refresh_token expired (after 30 days): the user must authorize again'),
  42003: arg('the code expired (after 5 minutes): the user must authorize again'),
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
} satisfies Record<KnownErrcode, ErrcodeInfo>;

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
export const STALE_TOKEN_ERRCODES: ReadonlySet<number> = new Set([
  ERRCODE.INVALID_CREDENTIAL,
  ERRCODE.INVALID_ACCESS_TOKEN,
  ERRCODE.ACCESS_TOKEN_EXPIRED,
]);
