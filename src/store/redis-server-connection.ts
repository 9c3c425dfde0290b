import { commandClientOptions } from './redis-client-options.js';
import { RedisConnectionEvents } from './redis-connection-events.js';
import { type RedisConnection, type RedisConnectionSettings } from './redis-connection.js';
import { closeGracefully } from './redis-graceful-close.js';
import { type NodeRedisClient, type RedisModule } from './redis-module.js';

/** One server (`redis.url`): a command connection and a subscriber beside it. */
export class RedisServerConnection extends RedisConnectionEvents implements RedisConnection {
  readonly kind = 'server';
  private readonly client: NodeRedisClient;
  private readonly subscriber: NodeRedisClient;

  constructor(
    private readonly redis: RedisModule,
    url: string,
    settings: RedisConnectionSettings,
  ) {
    super();
    this.client = redis.createClient({ url, ...commandClientOptions(settings) });
    this.subscriber = this.client.duplicate();
    // The subscriber's errors repeat the client's; only the client's mark an outage.
    this.subscriber.on('error', () => undefined);
    // It is ready again only once it has subscribed again.
    this.subscriber.on('ready', () => this.emitResubscribed());
    this.client.on('error', (error: unknown) => this.emitError(error));
    this.client.on('ready', () => this.emitReady());
  }

  get isReady(): boolean {
    return this.client.isReady;
  }

  async open(channel: string, listener: (message: string) => void): Promise<void> {
    // node-redis keeps reconnecting by itself: these resolve once Redis has answered.
    await Promise.all([this.client.connect(), this.subscriber.connect()]);
    await this.subscriber.subscribe(channel, listener);
  }

  get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  getDel(key: string): Promise<string | null> {
    return this.client.getDel(key);
  }

  set(key: string, value: string, options: { NX?: true; PX: number }): Promise<string | null> {
    return this.client.set(key, value, options);
  }

  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown> {
    return this.client.eval(script, options);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  isErrorReply(error: unknown): error is Error {
    return error instanceof this.redis.ErrorReply;
  }

  async close(): Promise<void> {
    this.forgetListeners();
    await Promise.all([this.client, this.subscriber].map(closeGracefully));
  }
}
