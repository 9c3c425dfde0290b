import { type StoredCredential } from '../store/credential-store.interface.js';

/**
 * WeChat's access_token and jsapi_ticket live "within 7200 s" (`expires_in` of /cgi-bin/token,
 * /cgi-bin/stable_token and /cgi-bin/ticket/getticket): a longer answer is held for 7200 s.
 */
export const MAX_CREDENTIAL_LIFETIME_SECONDS = 7200;

// How far another instance's clock may run ahead of ours before its fetchedAt is impossible.
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * Why a stored credential cannot be real (fetched in the future, living longer than WeChat
 * allows, expiring before it was fetched), or undefined when it can. Such an entry, written by a
 * bug, a skewed clock or a hand, would otherwise win every "newer" comparison for ever.
 */
export function impossibleTimes(credential: StoredCredential, now: number): string | undefined {
  const { fetchedAt, expiresAt, renewableAt } = credential;
  if (![fetchedAt, expiresAt].every(Number.isFinite)) return 'its times are not numbers';
  if (fetchedAt > now + MAX_CLOCK_AHEAD_MS) return 'it was fetched in the future';
  if (expiresAt <= fetchedAt) return 'it expires before it was fetched';
  if (expiresAt - fetchedAt > MAX_CREDENTIAL_LIFETIME_SECONDS * 1000) {
    return `it lives longer than WeChat's ${MAX_CREDENTIAL_LIFETIME_SECONDS} s`;
  }
  if (renewableAt !== undefined && !(renewableAt <= expiresAt)) {
    return 'it is renewable only after it expires';
  }
  return undefined;
}
