import { type StoredCredential } from './credential-store.interface.js';

/**
 * Whether `a` is newer than `b`: fetched later, or, fetched in the same millisecond (instances
 * that each fetched during a store outage can be), holding the greater value. A total order, so
 * that every instance and every store settle on the same one of two credentials.
 */
export function isNewerCredential(
  a: Pick<StoredCredential, 'value' | 'fetchedAt'>,
  b: Pick<StoredCredential, 'value' | 'fetchedAt'>,
): boolean {
  if (a.fetchedAt !== b.fetchedAt) return a.fetchedAt > b.fetchedAt;
  return a.value > b.value;
}
