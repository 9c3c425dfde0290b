import { describe, expect, it } from '@jest/globals';
import { pushSignature, signatureMatches } from './push-signature.js';

// Test vectors of wechat-push.md section 9.
const V1_ENCRYPT =
  '+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04=';
const V1_REPLY_ENCRYPT =
  'ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==';
const V3_ENCRYPT =
  'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
const V4_ENCRYPT =
  'rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==';
const V6_ENCRYPT =
  'D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==';
const V6_REPLY_ENCRYPT =
  'hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7';

describe('pushSignature', () => {
  it.each([
    ['V1 GET', ['AAAAA', '1714036504', '1514711492'], 'f464b24fc39322e44b38aa78f5edd27bd1441696'],
    [
      'V1 plain POST',
      ['AAAAA', '1714037059', '486452656'],
      '899cf89e464efb63f54ddac96b0a0a235f53aa78',
    ],
    [
      'V1 safe POST signature',
      ['AAAAA', '1714112445', '415670741'],
      '6c5c811b55cc85e0e1b54100749188c20beb3f5d',
    ],
    [
      'V1 safe POST msg_signature',
      ['AAAAA', '1714112445', '415670741', V1_ENCRYPT],
      '046e02f8204d34f8ba5fa3b1db94908f3df2e9b3',
    ],
    [
      'V1 reply MsgSignature',
      ['AAAAA', '1713424427', '415670741', V1_REPLY_ENCRYPT],
      '1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1',
    ],
    [
      'V3 msg_signature',
      ['spamtest', '1409735669', '1320562132', V3_ENCRYPT],
      '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
    ],
    [
      'V4 msg_signature',
      ['pamtest', '1458300676', '260774613', V4_ENCRYPT],
      '4f3ad57b6989f09f4eb392acce4f9e93942ed890',
    ],
    [
      'V6 query signature',
      ['AAAAA', '1715943329', '1590219412'],
      'cc0c594499c1634947d5b502f158ee518947db27',
    ],
    [
      'V6 msg_signature',
      ['AAAAA', '1715943329', '1590219412', V6_ENCRYPT],
      '6c12a4205838198b8fa631b3220723bb07f1015c',
    ],
    [
      'V6 reply MsgSignature',
      ['AAAAA', '1713424427', '415670741', V6_REPLY_ENCRYPT],
      '03e0812039325c2712ef5f0f980fd14c70d6e307',
    ],
  ])('reproduces %s', (_name, parts, signature) => {
    expect(pushSignature(...parts)).toBe(signature);
  });

  it('sorts the parts, so their order does not matter', () => {
    expect(pushSignature('1514711492', 'AAAAA', '1714036504')).toBe(
      'f464b24fc39322e44b38aa78f5edd27bd1441696',
    );
  });

  it('does not reorder the caller’s array', () => {
    const parts = ['b', 'a'];
    pushSignature(...parts);
    expect(parts).toEqual(['b', 'a']);
  });
});

describe('signatureMatches', () => {
  const expected = 'f464b24fc39322e44b38aa78f5edd27bd1441696';

  it('accepts the signature WeChat sent', () => {
    expect(signatureMatches(expected, 'f464b24fc39322e44b38aa78f5edd27bd1441696')).toBe(true);
  });

  it('accepts it in upper case (the same bytes)', () => {
    expect(signatureMatches(expected, expected.toUpperCase())).toBe(true);
  });

  it('refuses a signature that differs in its last digit', () => {
    expect(signatureMatches(expected, 'f464b24fc39322e44b38aa78f5edd27bd1441697')).toBe(false);
  });

  it('refuses the plain signature where msg_signature is required', () => {
    // A peer that checked `signature` instead of `msg_signature` broke safe mode (section 3).
    const msgSignature = pushSignature('AAAAA', '1714112445', '415670741', V1_ENCRYPT);
    expect(signatureMatches(msgSignature, '6c5c811b55cc85e0e1b54100749188c20beb3f5d')).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['a number', 1],
    ['an array', [expected]],
    ['an object', { toString: () => expected }],
    ['empty', ''],
    ['too short', expected.slice(0, 39)],
    ['too long', `${expected}0`],
    ['oversized', 'f'.repeat(1_000_000)],
    ['non-hex of the right length', 'g464b24fc39322e44b38aa78f5edd27bd1441696'],
    ['hex with a trailing space', 'f464b24fc39322e44b38aa78f5edd27bd144169 '],
  ])('refuses a given signature that is %s, without throwing', (_name, given) => {
    expect(signatureMatches(expected, given)).toBe(false);
  });

  it('refuses when the expected value is not hex (never matches a decoded prefix)', () => {
    expect(signatureMatches('abz', 'abz')).toBe(false);
    expect(signatureMatches('', '')).toBe(false);
  });
});
