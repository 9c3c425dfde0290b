import { describe, expect, it } from '@jest/globals';
import { type RedisOptions } from './redis-options.interface.js';
import { resolveRedis } from './resolve-redis-options.js';
import { WeChatOptionsError } from './wechat-options.error.js';

const SECRET = 's3cret-never-shown';

/** The WeChatOptionsError that resolving `redis` throws (the test fails if none). */
function refusal(redis: unknown): WeChatOptionsError {
  try {
    resolveRedis(redis as RedisOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(WeChatOptionsError);
    return error as WeChatOptionsError;
  }
  throw new Error('resolveRedis accepted it');
}

describe('resolveRedis', () => {
  it('resolves each of the three shapes, with the defaults', () => {
    const defaults = {
      keyPrefix: 'nestjs-wechat:',
      operationTimeoutMs: 1000,
      connectTimeoutMs: 2000,
    };
    expect(resolveRedis({ url: 'redis://h:6379/2' })).toEqual({
      topology: { kind: 'server', url: 'redis://h:6379/2' },
      ...defaults,
    });
    expect(resolveRedis({ cluster: ['redis://a:7000', 'redis://b:7001'] })).toEqual({
      topology: { kind: 'cluster', nodes: ['redis://a:7000', 'redis://b:7001'] },
      ...defaults,
    });
    expect(
      resolveRedis({ sentinel: { name: 'mymaster', sentinels: ['rediss://u:p@s1:26379'] } }),
    ).toEqual({
      topology: { kind: 'sentinel', name: 'mymaster', sentinels: ['rediss://u:p@s1:26379'] },
      ...defaults,
    });
  });

  it('keeps the common settings given with any shape', () => {
    expect(
      resolveRedis({
        cluster: ['redis://a:7000'],
        keyPrefix: 'shop:',
        operationTimeoutMs: 500,
        connectTimeoutMs: 300,
      }),
    ).toMatchObject({ keyPrefix: 'shop:', operationTimeoutMs: 500, connectTimeoutMs: 300 });
  });

  it.each([
    ['no shape', {}, 'redis', /exactly one of url, cluster or sentinel: none is given/],
    ['two shapes', { url: 'redis://a', cluster: ['redis://b'] }, 'redis', /not url and cluster/],
    [
      'all three shapes',
      { url: 'redis://a', cluster: ['redis://b'], sentinel: { name: 'm', sentinels: [] } },
      'redis',
      /not url and cluster and sentinel/,
    ],
    ['not an object', 'redis://a:6379', 'redis', /must be an object/],
    ['cluster: true', { cluster: true }, 'redis.cluster', /non-empty array/],
    ['an empty cluster', { cluster: [] }, 'redis.cluster', /non-empty array/],
    ['a cluster node that is no URL', { cluster: ['a:7000'] }, 'redis.cluster[0]', /redis:\/\//],
    [
      'a cluster node with a path',
      { cluster: ['redis://a:7000', 'redis://b:7001/1'] },
      'redis.cluster[1]',
      /with no path/,
    ],
    [
      'cluster nodes of mixed schemes',
      { cluster: ['redis://a:7000', 'rediss://b:7001'] },
      'redis.cluster[1]',
      /scheme/,
    ],
    ['a url that is no URL', { url: 'localhost:6379' }, 'redis.url', /redis:\/\//],
    ['a url of another scheme', { url: 'http://h:6379' }, 'redis.url', /redis:\/\//],
    ['a url without host', { url: 'redis://' }, 'redis.url', /no host/],
    ['an empty url', { url: '' }, 'redis.url', /missing or empty/],
    ['sentinel as a string', { sentinel: 'redis://s:26379' }, 'redis.sentinel', /object/],
    [
      'a sentinel without name',
      { sentinel: { sentinels: ['redis://s:26379'] } },
      'redis.sentinel.name',
      /missing/,
    ],
    [
      'a sentinel with an empty name',
      { sentinel: { name: ' ', sentinels: ['redis://s:26379'] } },
      'redis.sentinel.name',
      /missing or empty/,
    ],
    [
      'a sentinel without sentinels',
      { sentinel: { name: 'm', sentinels: [] } },
      'redis.sentinel.sentinels',
      /non-empty array/,
    ],
    [
      'a sentinel URL that is no URL',
      { sentinel: { name: 'm', sentinels: ['redis://s:26379', 's2:26379'] } },
      'redis.sentinel.sentinels[1]',
      /redis:\/\//,
    ],
    [
      'an unknown field inside sentinel',
      { sentinel: { name: 'm', sentinels: ['redis://s:26379'], role: 'master' } },
      'redis.sentinel.role',
      /takes only name, sentinels/,
    ],
    [
      'node-redis sentinel options',
      { sentinelRootNodes: [{ host: 's', port: 26379 }], url: 'redis://a' },
      'redis.sentinelRootNodes',
      /redis\.sentinel: \{ name, sentinels/,
    ],
    [
      'node-redis cluster options',
      { rootNodes: [{ url: 'redis://a' }] },
      'redis.rootNodes',
      /redis\.cluster/,
    ],
    [
      'a password beside the url',
      { url: 'redis://a', password: SECRET },
      'redis.password',
      /credentials go in the URLs/,
    ],
    ['a typo', { url: 'redis://a', keyPrefx: 'x:' }, 'redis.keyPrefx', /takes only url, cluster/],
    [
      'a field named with odd characters',
      { url: 'redis://a', 'key prefix': 'x' },
      'redis.<unknown field>',
      /is not an option/,
    ],
    ['a key prefix with {', { url: 'redis://a', keyPrefix: 'shop{1}:' }, 'redis.keyPrefix', /{/],
    ['a key prefix with }', { url: 'redis://a', keyPrefix: 'shop}:' }, 'redis.keyPrefix', /}/],
    ['an empty key prefix', { url: 'redis://a', keyPrefix: '' }, 'redis.keyPrefix', /non-empty/],
    [
      'an operation timeout of 0',
      { url: 'redis://a', operationTimeoutMs: 0 },
      'redis.operationTimeoutMs',
      /whole number/,
    ],
  ])('refuses %s, naming the option', (_, redis, option, problem) => {
    const error = refusal(redis);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(problem);
  });

  it.each([
    ['redis.url', { url: `ftp://user:${SECRET}@h:6379` }],
    ['redis.url', { url: `redis://user:${SECRET}@` }],
    ['redis.cluster[1]', { cluster: ['redis://a:1', `redis://:${SECRET}@b:2/3`] }],
    ['redis.cluster[1]', { cluster: [`redis://:${SECRET}@a:1`, 'redis://:other@b:2'] }],
    ['redis.sentinel.sentinels[0]', { sentinel: { name: 'm', sentinels: [`x://:${SECRET}@s`] } }],
  ])('never shows a password from a URL (%s)', (option, redis) => {
    const error = refusal(redis);
    expect(error.option).toBe(option);
    expect(error.message).not.toContain(SECRET);
  });

  it('refuses cluster nodes that carry different credentials', () => {
    const error = refusal({ cluster: ['redis://u:a@n1:7000', 'redis://u:b@n2:7001'] });
    expect(error.option).toBe('redis.cluster[1]');
    expect(error.message).toMatch(/same credentials as redis.cluster\[0\]/);
  });
});
