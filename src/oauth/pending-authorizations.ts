import { type WeChatClock } from '../clock/wechat-clock.js';
import { randomAlphanumeric } from '../common/random-alphanumeric.js';
import { SignedJsonCookie } from './signed-json-cookie.js';
import { isWebScope, type WebScope } from './oauth.types.js';

/** A sign-in this browser started: its `state`, where to return, the scope, its expiry (ms). */
export interface PendingAuthorization {
  state: string;
  returnTo: string;
  scope: WebScope;
  expiresAt: number;
}

const STATE_RANDOM_LENGTH = 32;
// WeChat gives the state back as it was: at most 128 bytes of a-zA-Z0-9 (wechat-api.md section 4).
const MAX_STATE_LENGTH = 128;

/** The state's suffix that names the account `appId` (hex: states are letters and digits only). */
export function stateSuffixOf(appId: string): string | undefined {
  const hex = Buffer.from(appId, 'utf8').toString('hex');
  return STATE_RANDOM_LENGTH + hex.length <= MAX_STATE_LENGTH ? hex : undefined;
}

/** Whether `state` has the form WeChat gives back: 1-128 letters and digits. */
export function isState(state: string): boolean {
  return state.length <= MAX_STATE_LENGTH && /^[A-Za-z0-9]+$/.test(state);
}

/** The appId a state names, or undefined for a state that names none. */
export function accountOfState(state: string): string | undefined {
  const hex = state.slice(STATE_RANDOM_LENGTH);
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-f]+$/.test(hex)) return undefined;
  return Buffer.from(hex, 'hex').toString('utf8');
}

// Sign-ins started in other tabs survive a new one; the oldest give way past these bounds.
const MAX_PENDING = 4;
const MAX_COOKIE_VALUE_BYTES = 3500;
// Longer return paths come back to `/` (one such entry still fits the cookie).
const MAX_RETURN_PATH = 2048;

/**
 * The sign-ins a browser has started, kept in a cookie the server signs: nothing is stored on the
 * server before the callback, so requests that never come back cost no storage, and a flood of
 * them cannot push out a real user's pending sign-in (it lives in that user's own browser).
 */
export class PendingAuthorizations {
  private readonly cookie: SignedJsonCookie;

  constructor(
    secrets: readonly string[],
    private readonly clock: WeChatClock,
  ) {
    this.cookie = new SignedJsonCookie('p1', secrets);
  }

  /** The sign-ins of a genuine cookie (expired ones too: see `isLive`); [] for anything else. */
  read(cookie: string | undefined): PendingAuthorization[] {
    const entries = this.cookie.read(cookie);
    if (!Array.isArray(entries)) return [];
    return entries.filter((e): e is PendingAuthorization => isPendingAuthorization(e));
  }

  /**
   * A new sign-in with a fresh state, before the ones already pending. The state is 32 random
   * characters, then `stateSuffix` (which names the account: see `accountOfState`).
   */
  start(
    pending: PendingAuthorization[],
    { returnTo, scope, ttlMs }: { returnTo: string; scope: WebScope; ttlMs: number },
    stateSuffix = '',
  ): { state: string; entries: PendingAuthorization[] } {
    const state = randomAlphanumeric(STATE_RANDOM_LENGTH) + stateSuffix;
    const path = returnTo.length <= MAX_RETURN_PATH ? returnTo : '/';
    const entry = { state, returnTo: path, scope, expiresAt: this.clock.now() + ttlMs };
    return { state, entries: [entry, ...pending].slice(0, MAX_PENDING) };
  }

  /** The signed cookie value of `entries` (the oldest dropped until it fits), or undefined if none. */
  write(entries: PendingAuthorization[]): string | undefined {
    for (let kept = entries.length; kept > 0; kept--) {
      const value = this.cookie.write(entries.slice(0, kept));
      if (value.length <= MAX_COOKIE_VALUE_BYTES) return value;
    }
    return undefined;
  }

  isLive(entry: PendingAuthorization): boolean {
    return entry.expiresAt > this.clock.now();
  }
}

function isPendingAuthorization(entry: unknown): entry is PendingAuthorization {
  const e = entry as Partial<PendingAuthorization> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.state === 'string' &&
    typeof e.returnTo === 'string' &&
    isWebScope(e.scope) &&
    typeof e.expiresAt === 'number'
  );
}
