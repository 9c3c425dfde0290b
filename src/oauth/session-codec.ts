import { createHmac, timingSafeEqual } from 'node:crypto';
import { systemClock, type WeChatClock } from '../clock/wechat-clock.js';
import { isWebScope, type WeChatAuthUser } from './oauth.types.js';

const VERSION = 'v1';
const MAX_COOKIE_LENGTH = 4096;
const MAX_CACHED = 10_000;

/**
 * The session cookie: `v1.<payload>.<signature>`, the payload base64url JSON of the user and an
 * expiry, signed with HMAC-SHA256 under `sessionSecret`. It carries no WeChat token.
 */
export class SessionCodec {
  // Cookies already verified, so a returning browser costs a map lookup, not an HMAC.
  private readonly verified = new Map<string, { user: WeChatAuthUser; expiresAt: number }>();

  constructor(
    private readonly secret: string,
    private readonly clock: WeChatClock = systemClock,
  ) {}

  encode(user: WeChatAuthUser, maxAgeSeconds: number): string {
    const payload = Buffer.from(
      JSON.stringify({ user, exp: Math.floor(this.clock.now() / 1000) + maxAgeSeconds }),
    ).toString('base64url');
    return `${VERSION}.${payload}.${this.sign(payload)}`;
  }

  /** The user of a genuine, unexpired cookie; undefined for anything else. */
  decode(cookie: string | undefined): WeChatAuthUser | undefined {
    if (!cookie || cookie.length > MAX_COOKIE_LENGTH) return undefined;
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
    const [version, payload, signature, extra] = cookie.split('.');
    if (version !== VERSION || !payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const { user, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        user: WeChatAuthUser;
        exp: number;
      };
      if (typeof exp !== 'number' || exp * 1000 <= this.clock.now()) return undefined;
      if (typeof user?.openid !== 'string' || !isWebScope(user.scope)) return undefined;
      return { user, expiresAt: exp * 1000 };
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(`${VERSION}.${payload}`).digest('base64url');
  }
}

// Each request gets its own copy: a handler changing its user must not change the next request's.
function copyOf(user: WeChatAuthUser): WeChatAuthUser {
  return user.userInfo ? { ...user, userInfo: { ...user.userInfo } } : { ...user };
}
