import { commandClientOptions, nodeAddress, reconnectDelayMs } from './redis-client-options.js';
import { RedisConnectionEvents } from './redis-connection-events.js';
import { type RedisConnection, type RedisConnectionSettings } from './redis-connection.js';
import { delay } from './redis-delay.js';
import { closeGracefully } from './redis-graceful-close.js';
import { type NodeRedisSentinel, type RedisModule } from './redis-module.js';

const SENTINEL_PORT = 26379;

interface SentinelTopology {
  name: string;
  sentinels: string[];
}

/**
 * A master watched by Redis Sentinel (`redis.sentinel`): node-redis's Sentinel client asks the
 * sentinels for the master, keeps one command connection and one subscription to it, and moves
 * both to the new master when the sentinels announce a failover (or a command meets READONLY).
 */
export class RedisSentinelConnection extends RedisConnectionEvents implements RedisConnection {
  readonly kind = 'sentinel';
  private sentinel: NodeRedisSentinel;
  private connected = false;
  private closed = false;

  constructor(
    private readonly redis: RedisModule,
    private readonly topology: SentinelTopology,
    private readonly settings: RedisConnectionSettings,
  ) {
    super();
    this.sentinel = this.createSentinel();
  }

  /** The master's connection is up. */
  get isReady(): boolean {
    return this.connected && !this.closed && this.sentinel.getMasterNode() !== undefined;
  }

  async open(channel: string, listener: (message: string) => void): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        if (!this.connected) {
          // node-redis's Sentinel client prints every failed try to the console (16 of them, a
          // second apart): it is let try only once a sentinel has named the master.
          if (!(await this.aSentinelNamesTheMaster())) throw new Error('no sentinel answered');
          if (this.closed) return;
          await this.connectSentinel();
        }
        await this.sentinel.subscribe(channel, listener);
        return;
      } catch {
        await delay(reconnectDelayMs(attempt));
      }
    }
  }

  get(key: string): Promise<string | null> {
    return this.whenConnected(() => this.sentinel.get(key));
  }

  getDel(key: string): Promise<string | null> {
    return this.whenConnected(() => this.sentinel.getDel(key));
  }

  set(key: string, value: string, options: { NX?: true; PX: number }): Promise<string | null> {
    return this.whenConnected(() => this.sentinel.set(key, value, options));
  }

  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown> {
    return this.whenConnected(() => this.sentinel.eval(script, options));
  }

  async ping(): Promise<void> {
    await this.whenConnected(() => this.sentinel.ping());
  }

  isErrorReply(error: unknown): error is Error {
    return error instanceof this.redis.ErrorReply;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.forgetListeners();
    await closeGracefully(this.sentinel);
  }

  private createSentinel(): NodeRedisSentinel {
    const { name, sentinels } = this.topology;
    const addresses = sentinels.map((url) => nodeAddress(url, SENTINEL_PORT));
    // One set of credentials (every URL holds the same): for the sentinels and the master alike.
    const { username, password, tls } = addresses[0];
    const sentinel = this.redis.createSentinel({
      name,
      sentinelRootNodes: addresses.map(({ host, port }) => ({ host, port })),
      sentinelClientOptions: {
        username,
        password,
        socket: { connectTimeout: this.settings.connectTimeoutMs, ...(tls && { tls: true }) },
      },
      nodeClientOptions: { username, password, ...commandClientOptions(this.settings, tls) },
      // The master connection's errors then come as 'error' events too.
      passthroughClientErrorEvents: true,
    });
    sentinel.on('error', (error: unknown) => {
      // A sentinel that goes, or the subscription's errors (which repeat the master's), are no
      // outage: the store is the master.
      if (error instanceof Error && error.message.startsWith('Master Client')) {
        this.emitError(error);
      }
    });
    sentinel.on('topology-change', (event: { type: string }) => {
      if (event.type === 'MASTER_CHANGE') void this.settleOnNewMaster(sentinel);
    });
    return sentinel;
  }

  // Announced while the new master's connections are still being opened; a command waits for
  // them (and for the subscription to move), so its answer says the move is done.
  private async settleOnNewMaster(sentinel: NodeRedisSentinel): Promise<void> {
    try {
      await sentinel.ping();
    } catch {
      return;
    }
    if (sentinel !== this.sentinel || this.closed) return;
    this.emitResubscribed();
    this.emitReady();
  }

  private async aSentinelNamesTheMaster(): Promise<boolean> {
    const { username, password, tls } = nodeAddress(this.topology.sentinels[0]);
    for (const url of this.topology.sentinels) {
      const { host, port } = nodeAddress(url, SENTINEL_PORT);
      const client = this.redis.createClient({
        username,
        password,
        socket: {
          host,
          port,
          connectTimeout: this.settings.connectTimeoutMs,
          reconnectStrategy: false,
          ...(tls && { tls: true }),
        },
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const master = await client.sendCommand([
          'SENTINEL',
          'GET-MASTER-ADDR-BY-NAME',
          this.topology.name,
        ]);
        if (Array.isArray(master)) return true;
      } catch {
        // Try the next one.
      } finally {
        if (client.isOpen) client.destroy();
      }
    }
    return false;
  }

  private async connectSentinel(): Promise<void> {
    try {
      await this.sentinel.connect();
      this.connected = true;
    } catch (error) {
      // A Sentinel client whose connect failed cannot connect again: the next try gets a new one.
      const failed = this.sentinel;
      this.sentinel = this.createSentinel();
      void failed.destroy().catch(() => undefined);
      throw error;
    }
  }

  // Before its first connect the Sentinel client has no master to send a command to.
  private whenConnected<T>(command: () => Promise<T>): Promise<T> {
    if (!this.connected) {
      return Promise.reject(new Error('the sentinels have named no reachable master yet'));
    }
    return command();
  }
}
