import { WECHAT_NAMESPACE } from '../wechat.constants.js';
import { integerIn, requiredString } from './option-values.js';
import {
  type RedisOptions,
  type RedisTopology,
  type ResolvedRedisOptions,
} from './redis-options.interface.js';
import { WeChatOptionsError } from './wechat-options.error.js';

const SHAPES = ['url', 'cluster', 'sentinel'] as const;
const COMMON = ['keyPrefix', 'operationTimeoutMs', 'connectTimeoutMs'];
const SENTINEL_FIELDS = ['name', 'sentinels'];
const ONE_SHAPE = 'takes exactly one of url, cluster or sentinel';

// What people write when they know another client's options.
const MISPLACED: Record<string, string> = {
  password: 'credentials go in the URLs (redis://user:password@host:port)',
  username: 'credentials go in the URLs (redis://user:password@host:port)',
  rootNodes: "list a cluster's nodes as redis.cluster: ['redis://host:port', …]",
  sentinelRootNodes:
    "list the sentinels as redis.sentinel: { name, sentinels: ['redis://host:port', …] }",
};

/** Validates the `redis` option and fills in its defaults. */
export function resolveRedis(redis: RedisOptions): ResolvedRedisOptions {
  const fields = plainObject('redis', redis);
  refuseUnknown('redis', fields, [...SHAPES, ...COMMON]);
  const given = SHAPES.filter((shape) => fields[shape] !== undefined);
  if (given.length !== 1) {
    const problem = given.length ? `, not ${given.join(' and ')}` : ': none is given';
    throw new WeChatOptionsError('redis', ONE_SHAPE + problem);
  }
  return {
    topology: topologyOf(given[0], fields[given[0]]),
    keyPrefix: keyPrefixOf(fields.keyPrefix),
    operationTimeoutMs: integerIn(
      'redis.operationTimeoutMs',
      fields.operationTimeoutMs,
      1000,
      10,
      60_000,
    ),
    connectTimeoutMs: integerIn(
      'redis.connectTimeoutMs',
      fields.connectTimeoutMs,
      2000,
      10,
      60_000,
    ),
  };
}

function topologyOf(shape: (typeof SHAPES)[number], value: unknown): RedisTopology {
  switch (shape) {
    case 'url':
      return { kind: 'server', url: redisUrl('redis.url', value, { allowDatabase: true }) };
    case 'cluster':
      return { kind: 'cluster', nodes: redisUrls('redis.cluster', value) };
    case 'sentinel': {
      const sentinel = plainObject('redis.sentinel', value);
      refuseUnknown('redis.sentinel', sentinel, SENTINEL_FIELDS);
      return {
        kind: 'sentinel',
        name: requiredString('redis.sentinel.name', sentinel.name),
        sentinels: redisUrls('redis.sentinel.sentinels', sentinel.sentinels),
      };
    }
  }
}

function keyPrefixOf(value: unknown): string {
  const keyPrefix = value ?? `${WECHAT_NAMESPACE}:`;
  // Empty, every key and the change channel would be bare names shared with anything else. A
  // brace would end up before the account's hash tag ({appId}), which Redis Cluster then ignores.
  if (typeof keyPrefix !== 'string' || !/^[\x21-\x7a|~]+$/.test(keyPrefix)) {
    throw new WeChatOptionsError(
      'redis.keyPrefix',
      'must be a non-empty string of printable ASCII without spaces, { or } (default "nestjs-wechat:")',
    );
  }
  return keyPrefix;
}

/** Node URLs of one cluster or sentinel set: all reached alike, so with the same credentials. */
function redisUrls(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new WeChatOptionsError(name, 'must be a non-empty array of redis://host:port URLs');
  }
  const urls = value.map((url: unknown, i) => redisUrl(`${name}[${i}]`, url));
  const [first, ...others] = urls.map((url) => new URL(url));
  others.forEach((url, i) => {
    if (url.protocol !== first.protocol) {
      throw new WeChatOptionsError(`${name}[${i + 1}]`, `must use the scheme of ${name}[0]`);
    }
    if (url.username !== first.username || url.password !== first.password) {
      throw new WeChatOptionsError(
        `${name}[${i + 1}]`,
        `must carry the same credentials as ${name}[0] (every node is reached with them)`,
      );
    }
  });
  return urls;
}

// Messages never quote the URL: it may hold a password.
function redisUrl(name: string, value: unknown, { allowDatabase = false } = {}): string {
  const url = requiredString(name, value);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WeChatOptionsError(name, 'is not a URL (expected redis://host:port)');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new WeChatOptionsError(name, 'must start with redis:// or rediss://');
  }
  if (!parsed.hostname) {
    throw new WeChatOptionsError(name, 'has no host (expected redis://host:port)');
  }
  const bare =
    !parsed.search && !parsed.hash && (parsed.pathname === '' || parsed.pathname === '/');
  if (!allowDatabase && !bare) {
    throw new WeChatOptionsError(name, 'must be redis://[user:password@]host:port, with no path');
  }
  return url;
}

function plainObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WeChatOptionsError(name, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function refuseUnknown(name: string, fields: Record<string, unknown>, known: string[]): void {
  const unknown = Object.keys(fields).find((field) => !known.includes(field));
  if (unknown === undefined) return;
  // The field's name is the caller's text: shown only when it looks like a name.
  const hint = MISPLACED[unknown] ?? `${name} takes only ${known.join(', ')}`;
  throw new WeChatOptionsError(`${name}.${safeName(unknown)}`, `is not an option: ${hint}`);
}

function safeName(field: string): string {
  return /^[A-Za-z0-9_$]{1,40}$/.test(field) ? field : '<unknown field>';
}
