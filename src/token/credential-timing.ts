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
  const lifetime = credential.expiresAt - credential.fetchedAt;
  const ahead = Math.min(refreshAheadMs, lifetime / 2);
  return {
    ...credential,
    refreshAt: credential.expiresAt - ahead,
    staleAt: credential.expiresAt - ahead / 5,
  };
}
