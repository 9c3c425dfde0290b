import { type StoredCredential } from '../store/credential-store.interface.js';

/** A credential with the moments that matter to its holder (epoch ms). */
export interface TimedCredential extends StoredCredential {
  /** From here on it is refreshed ahead of expiry. */
  refreshAt: number;
  /** From here on callers wait for a new one instead of being served this one. */
  staleAt: number;
}

/**
 * Refresh `refreshAheadMs` before expiry (at most half the lifetime, so short-lived tokens work);
 * keep serving the old credential until the last fifth of that window, leaving room for clock
 * drift between instances and for the request that carries it.
 */
export function timeCredential(
  credential: StoredCredential,
  refreshAheadMs: number,
): TimedCredential {
  // Nothing better can be had before then: serve it to the end and ask again.
  if (credential.renewableAt !== undefined) {
    return { ...credential, refreshAt: credential.renewableAt, staleAt: credential.expiresAt };
  }
  const lifetime = credential.expiresAt - credential.fetchedAt;
  const ahead = Math.min(refreshAheadMs, lifetime / 2);
  return {
    ...credential,
    refreshAt: credential.expiresAt - ahead,
    staleAt: credential.expiresAt - ahead / 5,
  };
}

/**
 * What a refresh that brought back the credential already held means: WeChat still honours it
 * and will not renew it before it expires (it answers a jsapi_ticket's full 7200 s each time). It
 * stays as valid as the earlier of the two estimates said, and is asked for again then, or after
 * `retryDelayMs` when that moment has passed already (WeChat's clock and ours differ by the
 * latency of the ask). `askedAt` makes it the newest in the store, so the cluster adopts it.
 */
export function notRenewed(
  held: StoredCredential,
  fetched: StoredCredential,
  retryDelayMs: number,
): StoredCredential {
  const expiresAt = Math.max(
    Math.min(held.expiresAt, fetched.expiresAt),
    fetched.fetchedAt + retryDelayMs,
  );
  return { value: held.value, fetchedAt: fetched.fetchedAt, expiresAt, renewableAt: expiresAt };
}
