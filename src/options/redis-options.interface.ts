/** Settings every shape of the `redis` option shares. */
export interface RedisCommonOptions {
  /** Put before every key and the change channel; default `nestjs-wechat:`. No `{` or `}`. */
  keyPrefix?: string;
  /** Every Redis operation gives up after this long; default 1000. */
  operationTimeoutMs?: number;
  /** Start-up waits at most this long for Redis, then runs on its own until it answers; default 2000. */
  connectTimeoutMs?: number;
}

/** One Redis server (or a managed endpoint that hides its failover). */
export interface RedisServerOptions extends RedisCommonOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. */
  url: string;
}

/** A Redis Cluster: some of its nodes; the rest are discovered. */
export interface RedisClusterOptions extends RedisCommonOptions {
  /** Node URLs, `redis://[user:password@]host:port`. */
  cluster: string[];
}

/** A master watched by Redis Sentinel; the client follows its failovers. */
export interface RedisSentinelOptions extends RedisCommonOptions {
  sentinel: {
    /** The master's name in the Sentinel configuration (`mymaster`). */
    name: string;
    /** Sentinel URLs, `redis://[user:password@]host:port`. */
    sentinels: string[];
  };
}

/** The shared store of the cluster: one server, a Redis Cluster, or a Sentinel-watched master. */
export type RedisOptions = RedisServerOptions | RedisClusterOptions | RedisSentinelOptions;

/** Where the store connects, after validation. */
export type RedisTopology =
  | { kind: 'server'; url: string }
  | { kind: 'cluster'; nodes: string[] }
  | { kind: 'sentinel'; name: string; sentinels: string[] };

/** The `redis` option after validation. */
export interface ResolvedRedisOptions {
  topology: RedisTopology;
  keyPrefix: string;
  operationTimeoutMs: number;
  connectTimeoutMs: number;
}
