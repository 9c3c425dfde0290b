import { type RedisConnectionSettings } from './redis-connection.js';

/** A node's address and credentials, from its `redis://[user:password@]host:port` URL. */
export interface RedisNodeAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls: boolean;
}

export function nodeAddress(url: string, defaultPort = 6379): RedisNodeAddress {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(parsed.port || defaultPort),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    tls: parsed.protocol === 'rediss:',
  };
}

/** Back off up to 2 s between attempts to reach Redis again. */
export function reconnectDelayMs(retries: number): number {
  return Math.min(50 * 2 ** retries, 2000);
}

/**
 * node-redis options of every connection that runs commands: no offline queue (a command fails
 * at once while its node is unreachable) and reconnects that go on for ever.
 */
export function commandClientOptions(settings: RedisConnectionSettings, tls = false): object {
  return {
    disableOfflineQueue: true,
    socket: {
      connectTimeout: settings.connectTimeoutMs,
      reconnectStrategy: reconnectDelayMs,
      ...(tls && { tls: true }),
    },
  };
}
