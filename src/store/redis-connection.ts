import { type RedisTopology } from '../options/redis-options.interface.js';
import { RedisClusterConnection } from './redis-cluster-connection.js';
import { loadRedis, type RedisCommands } from './redis-module.js';
import { RedisSentinelConnection } from './redis-sentinel-connection.js';
import { RedisServerConnection } from './redis-server-connection.js';

/**
 * The store's connections to Redis, whatever its topology: one set of command connections (on a
 * cluster, one per master) and one subscription. Commands fail at once while their node is
 * unreachable (no offline queue), so that the store can fall back instead of waiting.
 */
export interface RedisConnection extends RedisCommands {
  readonly kind: RedisTopology['kind'];
  /** True while commands can reach Redis (on a cluster: every master). */
  readonly isReady: boolean;
  /**
   * Connects, then subscribes `listener` to `channel`; resolves once subscribed. Until then it
   * keeps trying in the background, as the connections do after an outage.
   */
  open(channel: string, listener: (message: string) => void): Promise<void>;
  /** Resolves when Redis answers a PING (on a cluster: every master). */
  ping(): Promise<void>;
  /** Whether `error` is an answer of Redis itself (`-READONLY …`) rather than a lost connection. */
  isErrorReply(error: unknown): error is Error;
  /** Called whenever commands can reach Redis again (after an outage, after a failover). */
  onReady(listener: () => void): void;
  /** Called with connection errors (the connections come back by themselves). */
  onError(listener: (error: Error) => void): void;
  /** Called when the subscription is back after a break: notices sent meanwhile are lost. */
  onResubscribed(listener: () => void): void;
  /** Closes every connection; one whose replies do not come is dropped after a grace period. */
  close(): Promise<void>;
}

export interface RedisConnectionSettings {
  connectTimeoutMs: number;
}

/** The connection for `topology`, not yet open. */
export async function createRedisConnection(
  topology: RedisTopology,
  settings: RedisConnectionSettings,
): Promise<RedisConnection> {
  const redis = await loadRedis();
  switch (topology.kind) {
    case 'server':
      return new RedisServerConnection(redis, topology.url, settings);
    case 'cluster':
      return new RedisClusterConnection(redis, topology.nodes, settings);
    case 'sentinel':
      return new RedisSentinelConnection(redis, topology, settings);
  }
}
