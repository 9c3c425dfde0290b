import { type RedisTopology } from '../options/redis-options.interface.js';

type Topology = RedisTopology['kind'];

/**
 * A shared store that answers but refuses the operation: a Redis whose `maxmemory` is reached
 * (`OOM`), a read-only replica after a failover (`READONLY`), missing permissions (`NOPERM`),
 * a cluster node that does not hold the key (`MOVED`), a cluster or Sentinel failover that has
 * not finished (`CLUSTERDOWN`, `TRYAGAIN`, `MASTERDOWN`). Unlike an outage, falling back to this
 * process's memory would not help: every instance would then refresh on its own.
 */
export class StoreRefusedError extends Error {
  override readonly name = 'StoreRefusedError';
  /** The reply's first word: `OOM`, `READONLY`, `NOPERM`, `MOVED`… */
  readonly reply: string;

  /** `topology`: how the store reaches Redis (the `redis` option's shape), for the hint. */
  constructor(operation: string, replyMessage: string, topology: Topology = 'server') {
    const reply = /^[A-Z]+/.exec(replyMessage)?.[0] ?? 'ERR';
    const hint = hintFor(reply, topology);
    super(`Redis refused ${operation}: ${replyMessage}${hint ? ` (${hint})` : ''}`);
    this.reply = reply;
  }
}

const NOT_A_CLUSTER_CLIENT =
  'this is a Redis Cluster node: a plain redis.url cannot use a cluster, list its nodes in redis.cluster';

function hintFor(reply: string, topology: Topology): string | undefined {
  switch (reply) {
    case 'OOM':
      return 'its maxmemory is reached and its policy evicts nothing: raise maxmemory, or use an eviction policy such as volatile-lru';
    case 'NOPERM':
      return `the Redis user lacks a permission: it needs the keys under redis.keyPrefix, EVAL, PUBLISH and SUBSCRIBE${PERMISSIONS_OF[topology]}`;
    case 'READONLY':
      return READONLY[topology];
    case 'MASTERDOWN':
      return MASTERDOWN[topology];
    case 'LOADING':
      return 'Redis is loading its data set after a restart';
    case 'MOVED':
    case 'ASK':
      return topology === 'cluster'
        ? "the key's slot kept moving (a resharding in progress) past node-redis's redirections"
        : NOT_A_CLUSTER_CLIENT;
    case 'TRYAGAIN':
      return topology === 'cluster'
        ? "the key's slot is being migrated between nodes: a resharding in progress"
        : NOT_A_CLUSTER_CLIENT;
    case 'CLUSTERDOWN':
      return topology === 'cluster'
        ? "the cluster cannot serve the key's slot: a master is lost and its replica not yet elected (a failover in progress), or the slot has no node"
        : NOT_A_CLUSTER_CLIENT;
    case 'CROSSSLOT':
      return topology === 'cluster'
        ? 'the keys of one command are in different slots: redis.keyPrefix must not hold { or }'
        : NOT_A_CLUSTER_CLIENT;
    default:
      return undefined;
  }
}

const PERMISSIONS_OF: Record<Topology, string> = {
  server: '',
  cluster: ', and CLUSTER SLOTS to find the nodes',
  sentinel: ' on the master, and SENTINEL on the sentinels',
};

const READONLY: Record<Topology, string> = {
  server:
    'this node is a read-only replica, as an old master is after a failover: point redis.url at the master or use redis.sentinel, which follows failovers',
  sentinel:
    'the master the sentinels name answers as a read-only replica: a failover is in progress, or the sentinels disagree about the master',
  cluster: 'a cluster node answered as a read-only replica: a failover is in progress',
};

const MASTERDOWN: Record<Topology, string> = {
  server:
    'this node is a replica that lost its master: point redis.url at the master or use redis.sentinel, which follows failovers',
  sentinel: 'the node answering lost its master: a failover is in progress',
  cluster: 'a replica lost its master: a failover is in progress',
};
