import { withinDeadline } from '../common/within-deadline.js';
import { commandClientOptions, nodeAddress, reconnectDelayMs } from './redis-client-options.js';
import { RedisConnectionEvents } from './redis-connection-events.js';
import { type RedisConnection, type RedisConnectionSettings } from './redis-connection.js';
import { delay } from './redis-delay.js';
import { closeGracefully } from './redis-graceful-close.js';
import { type NodeRedisClient, type NodeRedisCluster, type RedisModule } from './redis-module.js';

// How long a master's connection may stay down before the cluster is discovered anew.
const REDISCOVER_AFTER_MS = 1000;

/**
 * A Redis Cluster (`redis.cluster`): node-redis's cluster client, which keeps a connection to
 * each master and sends each command to the master of its key's slot (following MOVED and ASK),
 * and one SUBSCRIBE connection to a node of its choice (a PUBLISH reaches every node).
 */
export class RedisClusterConnection extends RedisConnectionEvents implements RedisConnection {
  readonly kind = 'cluster';
  /** The client of the last discovery that succeeded; none before the first. */
  private cluster?: NodeRedisCluster;
  private subscription?: { channel: string; listener: (message: string) => void };
  private readonly followed = new WeakSet<NodeRedisClient>();
  private rediscovery?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly redis: RedisModule,
    private readonly nodes: string[],
    private readonly settings: RedisConnectionSettings,
  ) {
    super();
  }

  /** Every master's connection is up. */
  get isReady(): boolean {
    const masters = this.cluster?.masters ?? [];
    return (
      !this.closed &&
      masters.length > 0 &&
      masters.every((master) => master.client?.isReady === true)
    );
  }

  async open(channel: string, listener: (message: string) => void): Promise<void> {
    this.subscription = { channel, listener };
    for (let attempt = 0; !this.closed; attempt++) {
      if (await this.discover()) return;
      await delay(reconnectDelayMs(attempt));
    }
  }

  get(key: string): Promise<string | null> {
    return this.onCluster((cluster) => cluster.get(key));
  }

  getDel(key: string): Promise<string | null> {
    return this.onCluster((cluster) => cluster.getDel(key));
  }

  set(key: string, value: string, options: { NX?: true; PX: number }): Promise<string | null> {
    return this.onCluster((cluster) => cluster.set(key, value, options));
  }

  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown> {
    return this.onCluster((cluster) => cluster.eval(script, options));
  }

  async ping(): Promise<void> {
    await this.onCluster((cluster) =>
      Promise.all(cluster.masters.map(async (master) => (await cluster.nodeClient(master)).ping())),
    );
  }

  isErrorReply(error: unknown): error is Error {
    return error instanceof this.redis.ErrorReply;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.rediscovery);
    this.forgetListeners();
    if (this.cluster) await closeGracefully(this.cluster);
  }

  /**
   * Discovers the cluster into a new client, subscribes it, and puts it in the place of the
   * last one; false if that did not succeed. A discovery waits for a connection to every master
   * it finds, and a connection retries a lost node for ever: so the first node error ends the
   * attempt (a node that does not answer errs after connectTimeoutMs).
   */
  private async discover(): Promise<boolean> {
    const fresh = this.createCluster();
    const nodeFailed = new Promise<never>((_, reject) => fresh.on('node-error', reject));
    const connected = (async () => {
      await fresh.connect();
      const { channel, listener } = this.subscription!;
      await fresh.subscribe(channel, listener);
    })();
    try {
      await withinDeadline(
        Promise.race([connected, nodeFailed]),
        2 * this.settings.connectTimeoutMs,
        () => new Error('discovery timed out'),
      );
    } catch {
      connected.catch(() => undefined);
      fresh.destroy();
      return false;
    }
    if (this.closed) {
      fresh.destroy();
      return false;
    }
    const replaced = this.cluster;
    this.cluster = fresh;
    replaced?.destroy();
    this.followConnections();
    if (replaced) this.emitResubscribed();
    if (this.isReady) this.emitReady();
    return true;
  }

  private createCluster(): NodeRedisCluster {
    const { username, password, tls } = nodeAddress(this.nodes[0]);
    const cluster = this.redis.createCluster({
      rootNodes: this.nodes.map((url) => ({ url })),
      // The nodes it discovers are reached with these (the root nodes' URLs hold the same).
      defaults: { username, password, ...commandClientOptions(this.settings, tls) },
    });
    // 'error': no root node answered a discovery; 'node-error': a node's connection failed.
    // Only the client in use speaks for the store.
    const failed = (error: unknown) => {
      if (cluster !== this.cluster || this.closed) return;
      this.emitError(error);
      this.rediscoverLater();
    };
    cluster.on('error', failed);
    cluster.on('node-error', failed);
    // Each new node connection announces itself once; its later reconnects are followed here.
    cluster.on('node-ready', () => {
      if (cluster === this.cluster) this.followConnections();
    });
    return cluster;
  }

  // node-redis learns of a new master only from a MOVED reply, and a master that is gone sends
  // none: its connection would retry the lost node for ever (node-redis issue 2806). So a
  // cluster whose masters are not all reachable a moment later is discovered anew, until a
  // discovery finds every master (the cluster has promoted a replica, or the node is back).
  private rediscoverLater(): void {
    if (this.rediscovery || this.closed) return;
    this.rediscovery = setTimeout(async () => {
      if (!this.isReady && !this.closed && !(await this.discover())) {
        await delay(REDISCOVER_AFTER_MS);
      }
      this.rediscovery = undefined;
      if (!this.isReady) this.rediscoverLater();
    }, REDISCOVER_AFTER_MS);
    this.rediscovery.unref();
  }

  // Before its first discovery there is no slot map to route a command with.
  private onCluster<T>(command: (cluster: NodeRedisCluster) => Promise<T>): Promise<T> {
    if (!this.cluster) {
      return Promise.reject(new Error('no node of the Redis Cluster has answered yet'));
    }
    return command(this.cluster);
  }

  private followConnections(): void {
    for (const { client } of this.cluster?.masters ?? []) {
      this.follow(client, () => {
        if (this.isReady) this.emitReady();
      });
    }
    // Resubscribed (node-redis does it before 'ready') after a break in the subscription.
    this.follow(this.cluster?.pubSubNode?.client, () => this.emitResubscribed());
  }

  private follow(client: NodeRedisClient | undefined, onReady: () => void): void {
    if (!client || this.followed.has(client)) return;
    this.followed.add(client);
    client.on('ready', onReady);
  }
}
