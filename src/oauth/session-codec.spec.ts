import { describe, expect, it } from '@jest/globals';
import { SessionCodec } from './session-codec.js';

const SECRET = 'session-codec-spec-secret-0123456789abcdef';

describe('SessionCodec', () => {
  const codec = new SessionCodec(SECRET);
  const user = {
    openid: 'o_alice_0001',
    scope: 'snsapi_userinfo' as const,
    userInfo: { nickname: 'Alice', sex: 2, province: '', city: '', country: '', headimgurl: '' },
  };

  it('round-trips a user and refuses any change to the cookie', () => {
    const cookie = codec.encode(user, 60);
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
    const cookie = codec.encode(user, 60);
    const first = codec.decode(cookie)!;
    first.scope = 'snsapi_base';
    first.userInfo!.nickname = 'Mallory';
    expect(codec.decode(cookie)).toEqual(user);
  });
});
