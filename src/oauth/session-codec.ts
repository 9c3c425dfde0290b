import { systemClock, type WeChatClock } from '../clock/wechat-clock.js';
import { SignedJsonCookie } from './signed-json-cookie.js';
import { isWebScope, type WeChatAuthUser } from './oauth.types.js';

// Browsers drop a cookie past 4096 bytes (name, value and attributes): the guard would then send
// the user to sign in again, for ever. The value stays well under.
export const MAX_SESSION_COOKIE_VALUE = 3600;
const MAX_CACHED = 10_000;
// WeChat nicknames are short and its profile strings empty since 2021-10-20; anything longer is
// cut (nickname, places) or dropped (an avatar URL that is not a plain https URL of sane length).
const MAX_TEXT = 64;
const MAX_AVATAR_URL = 512;

/**
 * The session cookie: `v1.<payload>.<signature>`, the payload base64url JSON of the user and an
 * expiry, signed with HMAC-SHA256 under `sessionSecret` (the first of a list signs, all verify).
 * It carries no WeChat token.
 */
export class SessionCodec {
  // Cookies already verified, so a returning browser costs a map lookup, not an HMAC.
  private readonly verified = new Map<string, { user: WeChatAuthUser; expiresAt: number }>();
  private readonly cookie: SignedJsonCookie;

  /** `appId`: the account the sessions are for; a cookie of another account is no session. */
  constructor(
    secrets: string | readonly string[],
    private readonly clock: WeChatClock = systemClock,
    private readonly appId?: string,
  ) {
    this.cookie = new SignedJsonCookie('v1', typeof secrets === 'string' ? [secrets] : secrets);
  }

  /** The cookie value of `user`, its profile trimmed to fit; undefined if even that is too big. */
  encode(user: WeChatAuthUser, maxAgeSeconds: number): string | undefined {
    const exp = Math.floor(this.clock.now() / 1000) + maxAgeSeconds;
    for (const candidate of [trimmed(user), withoutProfile(user)]) {
      const cookie = this.cookie.write({ user: candidate, exp, aid: this.appId });
      if (cookie.length <= MAX_SESSION_COOKIE_VALUE) return cookie;
    }
    return undefined;
  }

  /** The user of a genuine, unexpired cookie; undefined for anything else. */
  decode(cookie: string | undefined): WeChatAuthUser | undefined {
    if (!cookie || cookie.length > MAX_SESSION_COOKIE_VALUE) return undefined;
    const cached = this.verified.get(cookie);
    if (cached) {
      if (cached.expiresAt > this.clock.now()) return copyOf(cached.user);
      this.verified.delete(cookie);
    }
    const session = this.verify(cookie);
    if (!session) return undefined;
    if (this.verified.size >= MAX_CACHED) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(cookie, session);
    return copyOf(session.user);
  }

  private verify(cookie: string): { user: WeChatAuthUser; expiresAt: number } | undefined {
    const session = this.cookie.read(cookie) as
      { user?: WeChatAuthUser; exp?: unknown; aid?: string } | undefined;
    if (typeof session !== 'object' || session === null) return undefined;
    const { user, exp, aid } = session;
    if (typeof exp !== 'number' || exp * 1000 <= this.clock.now()) return undefined;
    if (aid !== this.appId) return undefined;
    if (typeof user?.openid !== 'string' || !isWebScope(user.scope)) return undefined;
    return { user, expiresAt: exp * 1000 };
  }
}

function trimmed(user: WeChatAuthUser): WeChatAuthUser {
  const info = user.userInfo;
  if (!info) return user;
  const avatar = info.headimgurl;
  const saneAvatar =
    typeof avatar === 'string' && avatar.length <= MAX_AVATAR_URL && /^https?:\/\//.test(avatar);
  return {
    ...user,
    userInfo: {
      nickname: cut(info.nickname),
      sex: info.sex,
      province: cut(info.province),
      city: cut(info.city),
      country: cut(info.country),
      headimgurl: saneAvatar ? avatar : '',
    },
  };
}

function withoutProfile({ userInfo: _dropped, ...user }: WeChatAuthUser): WeChatAuthUser {
  return user;
}

// By code points, so a cut never splits a character (emoji nicknames are common).
function cut(text: unknown): string {
  if (typeof text !== 'string') return '';
  const points = Array.from(text);
  return points.length <= MAX_TEXT ? text : points.slice(0, MAX_TEXT).join('');
}

// Each request gets its own copy: a handler changing its user must not change the next request's.
function copyOf(user: WeChatAuthUser): WeChatAuthUser {
  return user.userInfo ? { ...user, userInfo: { ...user.userInfo } } : { ...user };
}
