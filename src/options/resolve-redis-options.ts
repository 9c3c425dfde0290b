import { WECHAT_NAMESPACE } from '../wechat.constants.js';
import { integerIn, requiredString } from './option-values.js';
import { type RedisOptions, type ResolvedRedisOptions } from './redis-options.interface.js';
import { WeChatOptionsError } from './wechat-options.error.js';

/** Validates the `redis` option and fills in its defaults. */
export function resolveRedis(redis: RedisOptions): ResolvedRedisOptions {
  if (!('url' in redis)) {
    throw new WeChatOptionsError('redis.url', 'is missing (expected redis://host:port)');
  }
  const url = requiredString('redis.url', redis.url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WeChatOptionsError('redis.url', 'is not a URL (expected redis://host:port)');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new WeChatOptionsError('redis.url', `must start with redis:// or rediss://`);
  }
  const keyPrefix = redis.keyPrefix ?? `${WECHAT_NAMESPACE}:`;
  // Empty, every key and the change channel would be bare names shared with anything else.
  if (typeof keyPrefix !== 'string' || !/^[\x21-\x7e]+$/.test(keyPrefix)) {
    throw new WeChatOptionsError(
      'redis.keyPrefix',
      'must be a non-empty string of printable ASCII without spaces (default "nestjs-wechat:")',
    );
  }
  return {
    topology: { kind: 'server', url },
    keyPrefix,
    operationTimeoutMs: integerIn(
      'redis.operationTimeoutMs',
      redis.operationTimeoutMs,
      1000,
      10,
      60_000,
    ),
    connectTimeoutMs: integerIn('redis.connectTimeoutMs', redis.connectTimeoutMs, 2000, 10, 60_000),
  };
}
