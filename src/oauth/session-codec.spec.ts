import { describe, expect, it } from '@jest/globals';
import { CookieSigner } from './cookie-signer.js';
import { MAX_SESSION_COOKIE_VALUE, SessionCodec } from './session-codec.js';

const SECRET = 'session-codec-spec-secret-0123456789abcdef';

describe('SessionCodec', () => {
  const codec = new SessionCodec(SECRET);
  const user = {
    openid: 'o_alice_0001',
    scope: 'snsapi_userinfo' as const,
    userInfo: { nickname: 'Alice', sex: 2, province: '', city: '', country: '', headimgurl: '' },
  };

  it('round-trips a user and refuses any change to the cookie', () => {
    const cookie = codec.encode(user, 60)!;
    expect(codec.decode(cookie)).toEqual(user);
    const [v, payload, signature] = cookie.split('.');
    expect(codec.decode(`${v}.${payload}x.${signature}`)).toBeUndefined();
    expect(codec.decode(`${v}.${payload}.${signature.slice(1)}A`)).toBeUndefined();
    expect(new SessionCodec(`${SECRET}!`).decode(cookie)).toBeUndefined();
  });

  it('refuses an expired cookie', () => {
    expect(codec.decode(codec.encode(user, -1))).toBeUndefined();
  });

  it('gives every request its own copy of the user', () => {
    const cookie = codec.encode(user, 60)!;
    const first = codec.decode(cookie)!;
    first.scope = 'snsapi_base';
    first.userInfo!.nickname = 'Mallory';
    expect(codec.decode(cookie)).toEqual(user);
  });

  it('verifies with every secret of a list and signs with the first (rotation)', () => {
    const old = new SessionCodec(SECRET).encode(user, 60)!;
    const rotated = new SessionCodec([`${SECRET}-new`, SECRET]);
    expect(rotated.decode(old)).toEqual(user);
    const fresh = rotated.encode(user, 60)!;
    expect(new SessionCodec(`${SECRET}-new`).decode(fresh)).toEqual(user);
    expect(new SessionCodec(SECRET).decode(fresh)).toBeUndefined();
  });

  it('never takes a cookie of another purpose (a pending sign-in) for a session', () => {
    const pending = new CookieSigner('p1', [SECRET]).sign(
      Buffer.from(JSON.stringify({ user, exp: 9e9 })).toString('base64url'),
    );
    expect(codec.decode(pending)).toBeUndefined();
    expect(codec.decode(pending.replace(/^p1\./, 'v1.'))).toBeUndefined();
  });

  it('trims a profile too big for a cookie, by characters, and keeps the user', () => {
    const huge = {
      ...user,
      userInfo: {
        ...user.userInfo,
        nickname: '😀'.repeat(3500),
        headimgurl: `https://x/${'a'.repeat(600)}`,
      },
    };
    const cookie = codec.encode(huge, 60)!;
    expect(cookie.length).toBeLessThanOrEqual(MAX_SESSION_COOKIE_VALUE);
    expect(codec.decode(cookie)?.userInfo).toMatchObject({
      nickname: '😀'.repeat(64),
      headimgurl: '',
    });
  });
});
