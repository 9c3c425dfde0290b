import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type INestApplication } from '@nestjs/common';
import { type Format, openReply, pushBody } from './push-requests.js';
import {
  AES_KEY,
  APP_ID,
  type HandlerLog,
  type Platform,
  PLATFORMS,
  PREVIOUS_AES_KEY,
  PUSH_TOKEN,
  pushOptions,
  startPushApp,
} from './push-test-app.js';
import {
  buildPush,
  type BuiltPush,
  encryptedQuery,
  encryptFor,
  encryptRaw,
  frame,
  inBatches,
  type RawAnswer,
  type RawRequest,
  Rng,
  send,
  signedQuery,
  stillOpens,
  withEncrypt,
} from './hostile-pushes.js';

// Issue 10, deliverable 12: whatever arrives at the push endpoint, a clear 4xx (401 for a
// signature, 400 for a body, 413 for a size), no handler call, and a short answer that tells
// nothing about the server.

const PUSH = '/wechat/push';
const LIMIT = 65_536; // push.bodyLimitBytes' default
const OTHER_APP_ID = 'wx0000000000000bad';
const FORMATS: Format[] = ['xml', 'json'];
const SECRETS = [
  PUSH_TOKEN,
  AES_KEY,
  Buffer.from(`${AES_KEY}=`, 'base64').toString('hex'),
  'test-app-secret-0f1e2d3c4b5a69788796',
];

/** Where a request is built: a seeded PRNG and a timestamp/nonce pair of its own. */
interface Draw {
  rng: Rng;
  timestamp: string;
  nonce: string;
}

function drawFrom(rng: Rng): Draw {
  return {
    rng,
    timestamp: String(1_714_000_000 + rng.int(1_000_000)),
    nonce: String(rng.int(2 ** 31)),
  };
}

/** A text message with a 64-bit MsgId of the draw's (a valid one would reach the echo handler). */
function message(draw: Draw, content = 'hello'): Record<string, unknown> {
  return {
    ToUserName: 'gh_97417a04a28d',
    FromUserName: `oUser${draw.rng.int(1000)}`,
    CreateTime: Number(draw.timestamp),
    MsgType: 'text',
    Content: content,
    MsgId: String(7_054_768_590_064_713_728n + BigInt(draw.rng.int(2 ** 31))),
  };
}

function valid(
  draw: Draw,
  mode: 'plain' | 'compatible' | 'safe',
  format: Format,
  fields = message(draw),
  key = AES_KEY,
  appId = APP_ID,
): BuiltPush {
  return buildPush(fields, {
    mode,
    format,
    appId,
    key,
    timestamp: draw.timestamp,
    nonce: draw.nonce,
    random16: draw.rng.bytes(16),
  });
}

const contentTypeOf = (format: Format) => (format === 'json' ? 'application/json' : 'text/xml');

function post(query: string, body: string | Buffer, contentType = 'text/xml'): RawRequest {
  return {
    method: 'POST',
    path: `${PUSH}?${query}`,
    headers: { 'Content-Type': contentType },
    body,
  };
}

/** A safe-mode push whose ciphertext is `encrypt`, with a `msg_signature` that signs it. */
function encryptedPost(draw: Draw, format: Format, encrypt: string): RawRequest {
  const fields = message(draw);
  return post(
    encryptedQuery(draw.timestamp, draw.nonce, encrypt),
    withEncrypt(fields, format, encrypt),
    contentTypeOf(format),
  );
}

/**
 * A text message's frame encrypted with a bad pad: `value` bytes of `value` (33: one more than
 * WeChat's 32) or a single 0, the Content grown until that makes whole AES blocks.
 */
function badlyPadded(draw: Draw, format: Format, value: number): string {
  const count = value === 0 ? 1 : value;
  for (let extra = 0; ; extra++) {
    const plain = frame(
      pushBody(message(draw, `hello${'!'.repeat(extra)}`), format),
      APP_ID,
      draw.rng.bytes(16),
    );
    if ((plain.length + count) % 16 === 0) {
      return encryptRaw(AES_KEY, Buffer.concat([plain, Buffer.alloc(count, value)]));
    }
  }
}

function cut(encrypt: string, bytes: number): string {
  const data = Buffer.from(encrypt, 'base64');
  return data.subarray(0, data.length - bytes).toString('base64');
}

const XXE =
  '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
  '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName>&x;</FromUserName>' +
  '<CreateTime>1714037059</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>&x;</Content>' +
  '<MsgId>6054768590064713729</MsgId></xml>';

const LOL_ENTITIES = Array.from(
  { length: 9 },
  (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
).join('');
const BILLION_LAUGHS =
  `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol0 "lol">${LOL_ENTITIES}]>` +
  '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName>oUser1</FromUserName>' +
  '<CreateTime>1714037059</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>&lol9;</Content>' +
  '<MsgId>6054768590064713730</MsgId></xml>';

const oversized = (length: number) =>
  `<xml><Content><![CDATA[${'a'.repeat(length)}]]></Content></xml>`;

interface BadInput {
  name: string;
  status: 400 | 401 | 413;
  request: (draw: Draw) => RawRequest;
  /**
   * Platforms where the framework, not the endpoint, answers, in its own format (JSON): then the
   * status is checked only when `sameStatus`, else only that it is a 4xx.
   */
  framework?: { platforms: Platform[]; why: string; sameStatus: boolean };
  /** Text the answer must not contain (what an expanded entity would have put there). */
  mustNotShow?: string[];
}

// On Fastify the limit is the bodyLimit of the push's content-type parser: Fastify's own 413, in
// JSON ({"statusCode":413,"message":"Request body is too large"}).
const FASTIFY_BODY_LIMIT = {
  platforms: ['fastify'] as Platform[],
  why: "the body limit is Fastify's content-type parser's: its own 413, in JSON",
  sameStatus: true,
};

const withoutParam = (query: string, name: string) => {
  const params = new URLSearchParams(query);
  params.delete(name);
  return params.toString();
};

const BAD_INPUTS: BadInput[] = [
  // Signatures: 401.
  {
    name: 'a POST without signature (XML)',
    status: 401,
    request: (d) => {
      const push = valid(d, 'plain', 'xml');
      return post(withoutParam(push.query, 'signature'), push.body);
    },
  },
  {
    name: 'a POST without signature (JSON)',
    status: 401,
    request: (d) => {
      const push = valid(d, 'plain', 'json');
      return post(withoutParam(push.query, 'signature'), push.body, push.contentType);
    },
  },
  {
    name: 'a forged signature',
    status: 401,
    request: (d) => {
      const push = valid(d, 'plain', 'xml');
      return post(
        push.query.replace(/signature=[0-9a-f]{40}/, `signature=${'ab'.repeat(20)}`),
        push.body,
      );
    },
  },
  {
    name: 'a signature made with another token',
    status: 401,
    request: (d) =>
      post(signedQuery(d.timestamp, d.nonce, {}, 'someOtherToken9'), pushBody(message(d), 'xml')),
  },
  {
    name: 'a signature that is not hex',
    status: 401,
    request: (d) => {
      const push = valid(d, 'plain', 'xml');
      return post(
        push.query.replace(/signature=[0-9a-f]{40}/, `signature=${'zz'.repeat(20)}`),
        push.body,
      );
    },
  },
  ...FORMATS.flatMap((format): BadInput[] => [
    {
      name: `a forged msg_signature (safe mode, ${format})`,
      status: 401,
      request: (d) => {
        const push = valid(d, 'safe', format);
        const forged = push.query.replace(
          /msg_signature=[0-9a-f]{40}/,
          `msg_signature=${'0'.repeat(40)}`,
        );
        return post(forged, push.body, push.contentType);
      },
    },
    {
      name: `a missing msg_signature (compatible mode, ${format})`,
      status: 401,
      request: (d) => {
        const push = valid(d, 'compatible', format);
        return post(withoutParam(push.query, 'msg_signature'), push.body, push.contentType);
      },
    },
    {
      name: `a msg_signature over another message's Encrypt (safe mode, ${format})`,
      status: 401,
      request: (d) => {
        const signed = valid(d, 'safe', format);
        const other = valid(d, 'safe', format);
        return post(signed.query, other.body, signed.contentType);
      },
    },
  ]),
  {
    name: 'a missing timestamp (XML)',
    status: 401,
    request: (d) => {
      const push = valid(d, 'plain', 'xml');
      return post(withoutParam(push.query, 'timestamp'), push.body);
    },
  },
  {
    name: 'a missing nonce (XML)',
    status: 401,
    request: (d) => {
      const push = valid(d, 'plain', 'xml');
      return post(withoutParam(push.query, 'nonce'), push.body);
    },
  },
  {
    name: 'a missing timestamp and nonce (JSON)',
    status: 401,
    request: (d) => {
      const push = valid(d, 'plain', 'json');
      return post(
        withoutParam(withoutParam(push.query, 'timestamp'), 'nonce'),
        push.body,
        push.contentType,
      );
    },
  },
  {
    name: 'a timestamp given twice',
    status: 401,
    request: (d) => {
      const push = valid(d, 'plain', 'xml');
      return post(`${push.query}&timestamp=${d.timestamp}`, push.body);
    },
  },

  // Bodies: 400.
  ...FORMATS.flatMap((format): BadInput[] => [
    {
      name: `encrypt_type=aes without Encrypt (${format})`,
      status: 400,
      request: (d) => {
        const push = valid(d, 'plain', format);
        return post(
          `${push.query}&encrypt_type=aes&msg_signature=${'1'.repeat(40)}`,
          push.body,
          push.contentType,
        );
      },
    },
    {
      name: `a ciphertext for another appId, with the right key and signature (${format})`,
      status: 400,
      request: (d) => {
        const encrypt = encryptFor(
          AES_KEY,
          pushBody(message(d), format),
          OTHER_APP_ID,
          d.rng.bytes(16),
        );
        return encryptedPost(d, format, encrypt);
      },
    },
    {
      name: `a ciphertext that is not base64 (${format})`,
      status: 400,
      request: (d) => encryptedPost(d, format, `@@@@${valid(d, 'safe', format).encrypt!.slice(4)}`),
    },
    {
      name: `a ciphertext whose base64 has a wrong length (${format})`,
      status: 400,
      request: (d) => encryptedPost(d, format, valid(d, 'safe', format).encrypt!.slice(0, -1)),
    },
    {
      name: `a ciphertext whose last plaintext byte (the pad) is 0 (${format})`,
      status: 400,
      request: (d) => encryptedPost(d, format, badlyPadded(d, format, 0)),
    },
    {
      name: `a ciphertext padded with 33 bytes of 33 (${format})`,
      status: 400,
      request: (d) => encryptedPost(d, format, badlyPadded(d, format, 33)),
    },
    {
      name: `a ciphertext truncated by 16 bytes, re-signed (${format})`,
      status: 400,
      request: (d) => encryptedPost(d, format, cut(valid(d, 'safe', format).encrypt!, 16)),
    },
    {
      name: `a ciphertext truncated by 3 bytes, re-signed (${format})`,
      status: 400,
      request: (d) => encryptedPost(d, format, cut(valid(d, 'safe', format).encrypt!, 3)),
    },
    {
      name: `a ciphertext made with another key (${format})`,
      status: 400,
      request: (d) => {
        const push = valid(d, 'safe', format, message(d), PREVIOUS_AES_KEY);
        return post(push.query, push.body, push.contentType);
      },
    },
  ]),
  {
    name: 'malformed XML',
    status: 400,
    request: (d) =>
      post(signedQuery(d.timestamp, d.nonce), '<xml><ToUserName><![CDATA[gh_1]]></ToUser></xml>'),
  },
  {
    name: 'XML that is not a push (no ToUserName)',
    status: 400,
    request: (d) => post(signedQuery(d.timestamp, d.nonce), '<xml><Foo>1</Foo></xml>'),
  },
  {
    name: 'XML nested 40 deep',
    status: 400,
    request: (d) =>
      post(
        signedQuery(d.timestamp, d.nonce),
        `<xml>${'<a>'.repeat(40)}x${'</a>'.repeat(40)}</xml>`,
      ),
  },
  {
    name: 'malformed JSON',
    status: 400,
    request: (d) =>
      post(signedQuery(d.timestamp, d.nonce), '{"ToUserName":"gh_1",', 'application/json'),
  },
  {
    name: 'JSON nested 10,000 deep',
    status: 400,
    request: (d) =>
      post(
        signedQuery(d.timestamp, d.nonce),
        `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
        'application/json',
      ),
  },
  {
    name: 'a body that is neither XML nor JSON',
    status: 400,
    request: (d) =>
      post(signedQuery(d.timestamp, d.nonce), 'ToUserName=gh_1&MsgType=text', 'text/plain'),
  },
  {
    name: 'an empty body',
    status: 400,
    request: (d) => post(signedQuery(d.timestamp, d.nonce), ''),
  },
  {
    name: 'no body at all',
    status: 400,
    request: (d) => ({ method: 'POST', path: `${PUSH}?${signedQuery(d.timestamp, d.nonce)}` }),
  },
  {
    name: 'an XXE payload (external entity to /etc/passwd)',
    status: 400,
    request: (d) => post(signedQuery(d.timestamp, d.nonce), XXE),
    mustNotShow: ['root:', '/bin/', 'passwd'],
  },
  {
    name: 'a billion-laughs payload',
    status: 400,
    request: (d) => post(signedQuery(d.timestamp, d.nonce), BILLION_LAUGHS),
    mustNotShow: ['lol'],
  },
  {
    name: 'an XXE payload inside a correctly encrypted and signed push',
    status: 400,
    request: (d) => encryptedPost(d, 'xml', encryptFor(AES_KEY, XXE, APP_ID, d.rng.bytes(16))),
    mustNotShow: ['root:', '/bin/', 'passwd'],
  },
  {
    name: 'an unknown encrypt_type',
    status: 400,
    request: (d) => {
      const push = valid(d, 'plain', 'xml');
      return post(`${push.query}&encrypt_type=des`, push.body);
    },
  },

  // Sizes: 413.
  {
    name: 'a body one byte over the limit, with Content-Length',
    status: 413,
    request: (d) =>
      post(signedQuery(d.timestamp, d.nonce), oversized(LIMIT + 1 - oversized(0).length)),
    framework: FASTIFY_BODY_LIMIT,
  },
  {
    name: 'a body of 200 KiB, chunked without Content-Length',
    status: 413,
    request: (d) => ({
      ...post(signedQuery(d.timestamp, d.nonce), oversized(200 * 1024)),
      chunked: true,
    }),
    framework: FASTIFY_BODY_LIMIT,
  },
  {
    name: 'an encrypted push over the limit, chunked',
    status: 413,
    request: (d) => ({
      ...encryptedPost(d, 'xml', encryptFor(AES_KEY, oversized(LIMIT), APP_ID, d.rng.bytes(16))),
      chunked: true,
    }),
    framework: FASTIFY_BODY_LIMIT,
  },

  // URL verification (GET).
  {
    name: 'a GET verification with a wrong signature',
    status: 401,
    request: (d) => ({
      method: 'GET',
      path: `${PUSH}?signature=${'ab'.repeat(20)}&timestamp=${d.timestamp}&nonce=${d.nonce}&echostr=4375120948345356249`,
    }),
  },
  {
    name: 'a GET verification without echostr',
    status: 400,
    request: (d) => ({ method: 'GET', path: `${PUSH}?${signedQuery(d.timestamp, d.nonce)}` }),
  },
  {
    name: 'a GET verification with an empty echostr',
    status: 400,
    request: (d) => ({
      method: 'GET',
      path: `${PUSH}?${signedQuery(d.timestamp, d.nonce)}&echostr=`,
    }),
  },
  {
    name: 'a GET without any query',
    status: 401,
    request: () => ({ method: 'GET', path: PUSH }),
  },
];

/** What is wrong with an answer's body: a stack frame, a file path, a secret. */
function leaksOf(answer: RawAnswer): string[] {
  const problems: string[] = [];
  if (/\n\s*at\s|\bat \S+ \(|\bat (?:file:|\/|node:)/.test(answer.text))
    problems.push('a stack frame');
  if (/(?:\/|\\)[\w.-]+\.(?:ts|js|mjs|cjs)\b|node_modules|\/work\//.test(answer.text))
    problems.push('a file path');
  for (const secret of SECRETS) if (answer.text.includes(secret)) problems.push('a secret');
  return problems;
}

describe.each(PLATFORMS)('the push endpoint on %s refuses bad input', (platform) => {
  let app: INestApplication;
  let origin: string;
  let log: HandlerLog;

  beforeAll(async () => {
    const started = await startPushApp(platform, pushOptions());
    app = started.app;
    origin = started.url;
    log = started.log;
  });
  afterAll(() => app?.close());

  const rows = BAD_INPUTS.map((input) => {
    const framework = input.framework?.platforms.includes(platform) ? input.framework : undefined;
    const expected = !framework
      ? `${input.status}`
      : framework.sameStatus
        ? `${input.status} (${platform}'s own)`
        : `a 4xx (${platform}'s own)`;
    return [input.name, expected, input] as const;
  });
  it.each(rows)('%s: %s', async (_name, _expected, input) => {
    const request = input.request(drawFrom(new Rng(0x5eed)));
    const answer = await send(origin, request);
    const framework = input.framework?.platforms.includes(platform) ? input.framework : undefined;

    if (!framework || framework.sameStatus) {
      expect(answer.status).toBe(input.status);
    } else {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    if (!framework) expect(answer.contentType).toMatch(/^text\/plain/);
    expect(log.calls).toEqual([]);
    expect(answer.text.length).toBeLessThan(200);
    expect(leaksOf(answer)).toEqual([]);
    for (const text of input.mustNotShow ?? []) expect(answer.text).not.toContain(text);
    // Refused once it passed the limit, not after the client had sent it all.
    if (request.chunked) expect(answer.unsent).toBeGreaterThan(0);
  });

  it('survives 1,000 seeded hostile requests and still answers a valid push', async () => {
    const rng = new Rng(0x10_12);
    const requests = Array.from({ length: 1000 }, () => hostileRequest(rng));
    const answers = await inBatches(requests, 20, (hostile) => send(origin, hostile.request));

    const failures = answers.flatMap((answer, i) => {
      if (answer.status >= 400 && answer.status < 500) return [];
      const { kind, request } = requests[i];
      const what = `${request.method} ${request.path.slice(0, 160)}`;
      return [
        `${answer.status} for ${kind}: ${what} -> ${answer.error ?? answer.text.slice(0, 200)}`,
      ];
    });
    expect(failures).toEqual([]);
    expect(log.calls).toEqual([]);
    const leaks = answers.flatMap((answer, i) =>
      leaksOf(answer).map(
        (leak) => `${leak} for ${requests[i].kind}: ${answer.text.slice(0, 200)}`,
      ),
    );
    expect(leaks).toEqual([]);

    // Still itself: a valid safe-mode XML push and a plain JSON one are answered as before.
    const draw = drawFrom(rng);
    for (const [mode, format] of [
      ['safe', 'xml'],
      ['plain', 'json'],
    ] as const) {
      const push = valid(draw, mode, format, message(draw, `still alive ${mode}`));
      const answer = await send(origin, post(push.query, push.body, push.contentType));
      expect(answer.status).toBe(200);
      expect(openReply(answer.text, format, AES_KEY)).toMatchObject({
        MsgType: 'text',
        Content: `echo: still alive ${mode}`,
      });
    }
    expect(log.calls.map((call) => call.handler)).toEqual(['echo', 'echo']);
    const query = signedQuery(draw.timestamp, draw.nonce, { echostr: '4375120948345356249' });
    const verification = await send(origin, { method: 'GET', path: `${PUSH}?${query}` });
    expect(verification).toMatchObject({ status: 200, text: '4375120948345356249' });

    // A byte flipped inside the message text still opens (the protocol has no MAC): such a push
    // is WeChat's as far as anyone can tell, and whatever the noise did to it, it is a 200
    // (handled) or a 400 (no longer a push), never a 5xx.
    const calls = log.calls.length;
    const garbled = Array.from({ length: 100 }, () => flippedCiphertext(rng, drawFrom(rng), true));
    const statuses = await inBatches(garbled, 20, async (hostile) => {
      return (await send(origin, hostile.request)).status;
    });
    expect(statuses.filter((status) => status !== 200 && status !== 400)).toEqual([]);
    expect(log.calls.length - calls).toBe(statuses.filter((status) => status === 200).length);
  });
});

interface Hostile {
  kind: string;
  request: RawRequest;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const HEX = '0123456789abcdef';
const MODES = ['plain', 'compatible', 'safe'] as const;
const ENCRYPTED_MODES = ['compatible', 'safe'] as const;
const CONTENT_TYPES = [
  'text/xml',
  'application/xml',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'text/xml; charset=gbk',
  '*/*',
  'garbage',
];

/** A query value a hostile client might send. */
function hostileValue(rng: Rng): string {
  switch (rng.int(9)) {
    case 0:
      return '';
    case 1:
      return rng.text(40, HEX);
    case 2:
      return rng.text(1 + rng.int(40), ALNUM);
    case 3:
      return rng.text(rng.int(200), PRINTABLE);
    case 4:
      return rng.text(2000 + rng.int(4000), ALNUM);
    case 5:
      return '💥'.repeat(1 + rng.int(30));
    case 6:
      return '\u0000\r\n%0d%0a';
    case 7:
      return String(rng.int(2 ** 31));
    default:
      return rng.pick(['aes', 'raw', 'AES', 'none', '__proto__', 'constructor', 'toString']);
  }
}

/** A query with any of the push's parameters, each missing, repeated, odd or random. */
function hostileQuery(rng: Rng): string {
  const parts: string[] = [];
  for (const name of [
    'signature',
    'timestamp',
    'nonce',
    'openid',
    'encrypt_type',
    'msg_signature',
    'echostr',
  ]) {
    const count = rng.pick([0, 1, 1, 1, 2]);
    for (let i = 0; i < count; i++) parts.push(`${name}=${encodeURIComponent(hostileValue(rng))}`);
  }
  if (rng.int(4) === 0) {
    parts.push(
      rng.pick([
        '__proto__[signature]=x',
        'constructor[prototype][x]=1',
        'timestamp[]=1&nonce[]=2',
        'signature[a]=b',
        '%zz=%zz',
        '&&&==&',
        `${encodeURIComponent(hostileValue(rng))}=${encodeURIComponent(hostileValue(rng))}`,
      ]),
    );
  }
  return parts.join('&');
}

const ODD_PATHS = [
  `${PUSH}/`,
  `${PUSH}//`,
  '/WECHAT/PUSH',
  `${PUSH}/x`,
  `/x${PUSH}`,
  `${PUSH};x`,
  `${PUSH}%2f`,
];

/** One of the table's cases, a mangled push, or noise; never a request that may reach a handler. */
function hostileRequest(rng: Rng): Hostile {
  const draw = drawFrom(rng);
  const roll = rng.int(100);
  if (roll < 20) {
    const input = rng.pick(BAD_INPUTS);
    return { kind: `table: ${input.name}`, request: input.request(draw) };
  }
  if (roll < 32) {
    // Random bytes under a valid signature, a signature with aes, or a random query.
    const query = rng.pick([
      () => signedQuery(draw.timestamp, draw.nonce),
      () => encryptedQuery(draw.timestamp, draw.nonce, rng.bytes(48).toString('base64')),
      () => hostileQuery(rng),
    ])();
    const body = rng.bytes(rng.int(3000));
    if (rng.int(2) === 0) body[0] = rng.pick([0x3c, 0x7b]); // '<' or '{': into a parser
    return { kind: 'random bytes', request: post(query, body, rng.pick(CONTENT_TYPES)) };
  }
  if (roll < 44) {
    // Random query values over a valid push body (of another message, in any mode).
    const push = valid(draw, rng.pick(MODES), rng.pick(FORMATS));
    const method = rng.pick(['GET', 'POST', 'POST', 'PUT']);
    return {
      kind: `random query (${method})`,
      request: { ...post(hostileQuery(rng), push.body, push.contentType), method },
    };
  }
  if (roll < 54) {
    // A valid push sent with another method: a GET is a verification without echostr.
    const push = valid(draw, rng.pick(MODES), rng.pick(FORMATS));
    const method = rng.pick(['GET', 'PUT', 'PUT', 'DELETE', 'PATCH']);
    return {
      kind: `valid push by ${method}`,
      request: { ...post(push.query, push.body, push.contentType), method },
    };
  }
  if (roll < 69) return flippedCiphertext(rng, draw);
  if (roll < 77) {
    // A valid signature (and msg_signature) with the body of another message.
    const format = rng.pick(FORMATS);
    const signed = valid(draw, rng.pick(ENCRYPTED_MODES), format);
    const other = valid(drawFrom(rng), rng.pick(ENCRYPTED_MODES), format);
    return {
      kind: 'body of another message',
      request: post(signed.query, other.body, signed.contentType),
    };
  }
  if (roll < 84) {
    // A valid plain push with one character of its signature, timestamp or nonce changed.
    const push = valid(draw, 'plain', rng.pick(FORMATS));
    const params = new URLSearchParams(push.query);
    const name = rng.pick(['signature', 'timestamp', 'nonce']);
    const value = params.get(name)!;
    const at = rng.int(value.length);
    const replacement = HEX.replace(value[at], '')[rng.int(15)];
    params.set(name, value.slice(0, at) + replacement + value.slice(at + 1));
    return {
      kind: `${name} changed`,
      request: post(params.toString(), push.body, push.contentType),
    };
  }
  if (roll < 88) {
    const push = valid(draw, 'plain', 'xml');
    const length = LIMIT + 1 + rng.int(20_000);
    return {
      kind: 'oversized',
      request: { ...post(push.query, oversized(length)), chunked: rng.int(2) === 0 },
    };
  }
  // Odd headers, path or method on one of the cases above.
  const base = hostileRequest(rng);
  const headers = { ...base.request.headers };
  switch (rng.int(6)) {
    case 0:
      headers['X-Huge'] = rng.text(20_000, ALNUM);
      break;
    case 1:
      for (let i = 0; i < 150; i++) headers[`X-Odd-${i}`] = rng.text(rng.int(60), PRINTABLE.trim());
      break;
    case 2:
      headers['Content-Encoding'] = rng.pick(['gzip', 'br', 'deflate', 'x-unknown']);
      break;
    case 3:
      headers['Content-Type'] = rng.pick(CONTENT_TYPES);
      headers.Accept = rng.pick(['*/*', 'text/html', 'application/json', '', 'x/y;q=abc']);
      break;
    case 4:
      headers.Expect = '100-continue';
      headers['X-Forwarded-For'] = rng.text(rng.int(300), PRINTABLE.trim());
      break;
    default:
      return {
        kind: `${base.kind} at an odd path`,
        request: { ...base.request, path: base.request.path.replace(PUSH, rng.pick(ODD_PATHS)) },
      };
  }
  return { kind: `${base.kind} with odd headers`, request: { ...base.request, headers } };
}

/**
 * A valid encrypted push with one byte of its ciphertext changed and its msg_signature re-signed
 * (what a holder of the token but not the key can do). With `opens` false, a change that still
 * opens for this appId is drawn again; with `opens` true, one that does not: such a change falls
 * inside the message text, which CBC lets through garbled (16 bytes of noise, one byte changed in
 * the next block), and the push is valid as far as the protocol can tell.
 */
function flippedCiphertext(rng: Rng, draw: Draw, opens = false): Hostile {
  const format = rng.pick(FORMATS);
  const mode = rng.pick(ENCRYPTED_MODES);
  const fields = message(draw, opens ? `long text ${'x'.repeat(300)}` : 'hello');
  const push = valid(draw, mode, format, fields);
  const data = Buffer.from(push.encrypt!, 'base64');
  let flipped: string;
  do {
    const changed = Buffer.from(data);
    changed[rng.int(changed.length)] ^= 1 + rng.int(255);
    flipped = changed.toString('base64');
  } while (stillOpens(AES_KEY, flipped, APP_ID) !== opens);
  const outer = mode === 'safe' ? { ToUserName: fields.ToUserName } : fields;
  return {
    kind: `${opens ? 'garbled message text' : 'flipped ciphertext byte'} (${mode}, ${format})`,
    request: post(
      encryptedQuery(draw.timestamp, draw.nonce, flipped),
      pushBody({ ...outer, Encrypt: flipped }, format),
      push.contentType,
    ),
  };
}
