/**
 * The store key of one of an account's records: `{appId}:name`. The braces are a Redis Cluster
 * hash tag, so every key of an account (credentials, locks, counters, OAuth states, push records)
 * lives in one slot, on one node.
 */
export function accountKey(appId: string, name: string): string {
  return `{${appId}}:${name}`;
}
