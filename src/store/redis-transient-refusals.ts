import { type RedisTopology } from '../options/redis-options.interface.js';

// Replies that a failover or a resharding in progress gives for a moment, by topology. The store
// asks again until its operation timeout before it reports the refusal. One server named by
// redis.url has no one to fail over to: what it refuses, it goes on refusing.
const TRANSIENT: Record<RedisTopology['kind'], ReadonlySet<string>> = {
  server: new Set(),
  // The old master demoted, or the new one not yet promoted, before the client has moved.
  sentinel: new Set(['READONLY', 'MASTERDOWN', 'LOADING']),
  // A slot moving, or a master lost and its replica not yet elected.
  cluster: new Set([
    'MOVED',
    'ASK',
    'TRYAGAIN',
    'CLUSTERDOWN',
    'READONLY',
    'MASTERDOWN',
    'LOADING',
  ]),
};

/** Whether the reply `reply` (its first word) may clear by itself on `kind` within moments. */
export function isTransientRefusal(kind: RedisTopology['kind'], reply: string): boolean {
  return TRANSIENT[kind].has(reply);
}
