// The few node-redis calls the store makes; the `redis` package itself is an optional peer, so
// its types are described here rather than imported.

/** The commands the store sends: the same on a client, a cluster and a Sentinel-managed master. */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  getDel(key: string): Promise<string | null>;
  set(key: string, value: string, options: { NX?: true; PX: number }): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

interface NodeRedisCommon extends RedisCommands {
  connect(): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  close(): Promise<unknown>;
}

/** `createClient()`: one connection to one server. */
export interface NodeRedisClient extends NodeRedisCommon {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  duplicate(): NodeRedisClient;
  ping(): Promise<string>;
  sendCommand(args: string[]): Promise<unknown>;
  destroy(): void;
}

/** A node of `createCluster()`'s slot map, with its client once connected. */
export interface NodeRedisClusterNode {
  client?: NodeRedisClient;
}

/** `createCluster()`: a client per master, the key's slot deciding which one runs a command. */
export interface NodeRedisCluster extends NodeRedisCommon {
  readonly isOpen: boolean;
  readonly masters: NodeRedisClusterNode[];
  /** The node that the cluster's one SUBSCRIBE connection goes to. */
  readonly pubSubNode?: { client: NodeRedisClient };
  nodeClient(node: NodeRedisClusterNode): Promise<NodeRedisClient>;
  destroy(): void;
}

/** `createSentinel()`: a client to the master Sentinel names, following its failovers. */
export interface NodeRedisSentinel extends NodeRedisCommon {
  /** True from the first connect to close, even while the master does not answer. */
  readonly isReady: boolean;
  ping(): Promise<string>;
  /** The master, while its connection is ready. */
  getMasterNode(): { host: string; port: number } | undefined;
  destroy(): Promise<void>;
}

export interface RedisModule {
  createClient(options: object): NodeRedisClient;
  createCluster(options: object): NodeRedisCluster;
  createSentinel(options: object): NodeRedisSentinel;
  /** node-redis's class of the errors Redis itself answered (`-OOM …`, `-READONLY …`). */
  ErrorReply: new (...args: never[]) => Error;
}

export async function loadRedis(): Promise<RedisModule> {
  try {
    return (await import('redis')) as unknown as RedisModule;
  } catch {
    throw new Error(
      "WeChatModule option redis needs the 'redis' package (node-redis 5): npm install redis",
    );
  }
}
