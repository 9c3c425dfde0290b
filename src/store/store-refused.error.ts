/**
 * A shared store that answers but refuses the operation: a Redis whose `maxmemory` is reached
 * (`OOM`), a read-only replica after a failover (`READONLY`), missing permissions (`NOPERM`),
 * a cluster node that does not hold the key (`MOVED`). Unlike an outage, falling back to this
 * process's memory would not help: every instance would then refresh on its own.
 */
export class StoreRefusedError extends Error {
  override readonly name = 'StoreRefusedError';
  /** The reply's first word: `OOM`, `READONLY`, `NOPERM`, `MOVED`… */
  readonly reply: string;

  constructor(operation: string, replyMessage: string) {
    const reply = /^[A-Z]+/.exec(replyMessage)?.[0] ?? 'ERR';
    super(`Redis refused ${operation}: ${replyMessage}${hintFor(reply)}`);
    this.reply = reply;
  }
}

function hintFor(reply: string): string {
  switch (reply) {
    case 'OOM':
      return ' (its maxmemory is reached and its policy evicts nothing: raise maxmemory, or use an eviction policy such as volatile-lru)';
    case 'READONLY':
      return ' (this node is a read-only replica: point redis.url at the master)';
    case 'NOPERM':
      return ' (the Redis user lacks a permission: it needs the keys under redis.keyPrefix, EVAL, PUBLISH and SUBSCRIBE)';
    case 'MOVED':
    case 'ASK':
    case 'CROSSSLOT':
    case 'CLUSTERDOWN':
      return ' (this is a Redis Cluster node: a plain redis.url cannot use a cluster)';
    default:
      return '';
  }
}
