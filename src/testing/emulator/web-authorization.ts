import { randomBytes } from 'node:crypto';
import { type EmulatorClock } from './emulator-clock.js';
import { type EmulatorUser } from './emulator-users.js';

export type WebScope = 'snsapi_base' | 'snsapi_userinfo';

interface IssuedCode {
  openid: string;
  scope: WebScope;
  expiresAt: number;
  used: boolean;
}

interface WebToken {
  openid: string;
  scope: WebScope;
  expiresAt: number;
}

interface RefreshToken {
  openid: string;
  scope: WebScope;
  expiresAt: number;
}

const CODE_TTL_MS = 5 * 60_000;
const WEB_TOKEN_TTL_S = 7200;
const REFRESH_TTL_MS = 30 * 86_400_000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,512}$/;

export type Outcome<T> = { ok: true; value: T } | { ok: false; errcode: number };

/**
 * Codes, web access tokens and refresh tokens of web authorization (wechat-api.md section 4).
 * Choices where WeChat is not documented: an expired code answers 40029 (users report 40029 for
 * "wrong, expired or of another appid"); a refresh keeps the same refresh_token.
 */
export class WebAuthorization {
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, WebToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(private readonly clock: EmulatorClock) {}

  issueCode(user: EmulatorUser, scope: WebScope): string {
    this.prune();
    const code = randomBytes(24).toString('hex');
    this.codes.set(code, {
      openid: user.openid,
      scope,
      expiresAt: this.clock.now() + CODE_TTL_MS,
      used: false,
    });
    return code;
  }

  exchange(code: string): Outcome<{
    openid: string;
    scope: WebScope;
    accessToken: string;
    refreshToken: string;
    expiresIn: number;
  }> {
    const issued = this.codes.get(code);
    if (!issued || this.clock.now() >= issued.expiresAt) return { ok: false, errcode: 40029 };
    if (issued.used) return { ok: false, errcode: 40163 };
    issued.used = true;
    const refreshToken = randomBytes(48).toString('base64url');
    this.refreshTokens.set(refreshToken, {
      openid: issued.openid,
      scope: issued.scope,
      expiresAt: this.clock.now() + REFRESH_TTL_MS,
    });
    return { ok: true, value: { ...this.mintToken(issued.openid, issued.scope), refreshToken } };
  }

  refresh(
    refreshToken: string,
  ): Outcome<{ openid: string; scope: WebScope; accessToken: string; expiresIn: number }> {
    const issued = this.refreshTokens.get(refreshToken);
    if (!issued) return { ok: false, errcode: 40030 };
    if (this.clock.now() >= issued.expiresAt) return { ok: false, errcode: 42002 };
    return { ok: true, value: this.mintToken(issued.openid, issued.scope) };
  }

  /** The check of `/sns/userinfo` and `/sns/auth`: the token must be live and the openid its own. */
  checkToken(accessToken: string | null, openid: string | null): Outcome<WebToken> {
    if (!accessToken) return { ok: false, errcode: 41001 };
    if (!TOKEN_SHAPE.test(accessToken)) return { ok: false, errcode: 40014 };
    const token = this.tokens.get(accessToken);
    if (!token) return { ok: false, errcode: 40001 };
    if (this.clock.now() >= token.expiresAt) return { ok: false, errcode: 42001 };
    if (token.openid !== openid) return { ok: false, errcode: 40003 };
    return { ok: true, value: token };
  }

  private mintToken(openid: string, scope: WebScope) {
    const accessToken = randomBytes(64).toString('base64url');
    this.tokens.set(accessToken, {
      openid,
      scope,
      expiresAt: this.clock.now() + WEB_TOKEN_TTL_S * 1000,
    });
    return { openid, scope, accessToken, expiresIn: WEB_TOKEN_TTL_S };
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [code, issued] of this.codes)
      if (issued.expiresAt < now - CODE_TTL_MS) this.codes.delete(code);
    // Dead for a day: forgotten (later use answers 40001/40030 instead of 42001/42002).
    const horizon = now - 86_400_000;
    for (const [token, issued] of this.tokens)
      if (issued.expiresAt < horizon) this.tokens.delete(token);
    for (const [token, issued] of this.refreshTokens) {
      if (issued.expiresAt < horizon) this.refreshTokens.delete(token);
    }
  }
}
