import { randomBytes } from 'node:crypto';
import { type EmulatorClock } from './emulator-clock.js';

/** Settings of the token rules, as `WeChatEmulator.start` takes them. */
export interface TokenRules {
  tokenTtlSeconds: number;
  overlapSeconds: number;
  dailyQuota: number;
  stableDailyQuota: number;
  stableForceDailyLimit: number;
  stableForceSpacingSeconds: number;
  stableRotateAheadSeconds: number;
}

/** A token the emulator handed out. */
interface IssuedToken {
  lineage: 'token' | 'stable';
  expiresAt: number;
  /** When a newer token took over: the time this one stops being accepted. */
  invalidAt?: number;
}

export type TokenCheck = { ok: true } | { ok: false; errcode: 40001 | 40014 | 41001 | 42001 };

export interface IssuedTokenReply {
  access_token: string;
  expires_in: number;
}

/** Answer of an issuing call: the token, or the errcode to send. */
export type IssueResult = IssuedTokenReply | { errcode: number };

// Real tokens are 130-160 characters of this alphabet; anything else is "malformed" (40014).
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{64,512}$/;
const RETENTION_MS = 86_400_000;

/**
 * Issues and checks global access tokens the way WeChat does (wechat-api.md sections 1-3).
 *
 * Choices where WeChat's behaviour is not documented:
 * - a forced stable_token invalidates its predecessor at once (no overlap), as the docs say
 *   "invalidates the previous"; the 5-minute overlap is documented only for /cgi-bin/token;
 * - every call with valid credentials counts against the daily quota, including refused ones.
 */
export class TokenAuthority {
  private readonly tokens = new Map<string, IssuedToken>();
  private currentToken?: string;
  private currentStable?: string;
  private quotaDay?: string;
  private tokenCalls = 0;
  private stableCalls = 0;
  private stableForces = 0;
  private lastStableForceAt = -Infinity;

  constructor(
    private readonly clock: EmulatorClock,
    private readonly rules: TokenRules,
  ) {}

  /** `/cgi-bin/token`: a new token each call; the previous one dies after the overlap. */
  issueToken(): IssueResult {
    this.rollQuotaDay();
    if (this.tokenCalls >= this.rules.dailyQuota) return { errcode: 45009 };
    this.tokenCalls += 1;
    const now = this.clock.now();
    this.retire(this.currentToken, now + this.rules.overlapSeconds * 1000);
    this.currentToken = this.mint('token', now + this.rules.tokenTtlSeconds * 1000);
    return { access_token: this.currentToken, expires_in: this.rules.tokenTtlSeconds };
  }

  /** `/cgi-bin/stable_token`: the same token until it nears expiry, unless forced. */
  issueStable(forceRefresh: boolean): IssueResult {
    this.rollQuotaDay();
    if (this.stableCalls >= this.rules.stableDailyQuota) return { errcode: 45009 };
    this.stableCalls += 1;
    const now = this.clock.now();
    const current = this.currentStable ? this.tokens.get(this.currentStable) : undefined;
    const remainingMs = current ? current.expiresAt - now : 0;
    const spaced = now - this.lastStableForceAt >= this.rules.stableForceSpacingSeconds * 1000;

    let rotate = remainingMs <= this.rules.stableRotateAheadSeconds * 1000;
    if (forceRefresh && !rotate && spaced) {
      if (this.stableForces >= this.rules.stableForceDailyLimit) return { errcode: 45009 };
      this.stableForces += 1;
      this.lastStableForceAt = now;
      this.retire(this.currentStable, now);
      rotate = true;
    }
    if (rotate || !this.currentStable) {
      this.retire(this.currentStable, current?.expiresAt ?? now);
      this.currentStable = this.mint('stable', now + this.rules.tokenTtlSeconds * 1000);
    }
    const expiresAt = this.tokens.get(this.currentStable)!.expiresAt;
    return {
      access_token: this.currentStable,
      expires_in: Math.floor((expiresAt - now) / 1000),
    };
  }

  /** The check every protected endpoint applies to `?access_token=`. */
  check(token: string | null): TokenCheck {
    if (!token) return { ok: false, errcode: 41001 };
    if (!TOKEN_SHAPE.test(token)) return { ok: false, errcode: 40014 };
    const issued = this.tokens.get(token);
    if (!issued) return { ok: false, errcode: 40001 };
    const now = this.clock.now();
    if (issued.invalidAt !== undefined && now >= issued.invalidAt) {
      return { ok: false, errcode: 40001 };
    }
    if (now >= issued.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true };
  }

  /** Every token stops working now, as after a secret reset (tests of cluster-wide repair). */
  revokeAll(): void {
    const now = this.clock.now();
    for (const issued of this.tokens.values()) issued.invalidAt = now;
    this.currentToken = undefined;
    this.currentStable = undefined;
  }

  /** `/cgi-bin/token` calls counted against today's quota. */
  tokenCallsToday(): number {
    this.rollQuotaDay();
    return this.tokenCalls;
  }

  /** `/cgi-bin/stable_token` calls counted against today's quota. */
  stableCallsToday(): number {
    this.rollQuotaDay();
    return this.stableCalls;
  }

  /** `clear_quota`: today's token and stable_token counts start again from zero. */
  clearQuota(): void {
    this.rollQuotaDay();
    this.tokenCalls = 0;
    this.stableCalls = 0;
  }

  private mint(lineage: IssuedToken['lineage'], expiresAt: number): string {
    this.prune();
    const token = randomBytes(102).toString('base64url');
    this.tokens.set(token, { lineage, expiresAt });
    return token;
  }

  private retire(token: string | undefined, invalidAt: number): void {
    const issued = token ? this.tokens.get(token) : undefined;
    if (issued && (issued.invalidAt === undefined || issued.invalidAt > invalidAt)) {
      issued.invalidAt = invalidAt;
    }
  }

  private rollQuotaDay(): void {
    const day = this.clock.quotaDay();
    if (day === this.quotaDay) return;
    this.quotaDay = day;
    this.tokenCalls = 0;
    this.stableCalls = 0;
    this.stableForces = 0;
  }

  // Tokens dead for a day are forgotten: later use answers 40001, as for any unknown token.
  private prune(): void {
    const horizon = this.clock.now() - RETENTION_MS;
    for (const [token, issued] of this.tokens) {
      if (Math.min(issued.expiresAt, issued.invalidAt ?? Infinity) < horizon) {
        this.tokens.delete(token);
      }
    }
  }
}
