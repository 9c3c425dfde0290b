import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { type RedisTopology } from '../../src/options/redis-options.interface.js';
import { describeCredentialStore } from '../../src/testing/index.js';
import { RedisSentinelSet } from '../support/redis-topology.js';
import { storeHarnesses } from './store-harness.js';

// A master, its replica and three sentinels, started for this file.
let sentinels: RedisSentinelSet;
const topology = (): RedisTopology => ({
  kind: 'sentinel',
  name: sentinels.name,
  sentinels: sentinels.sentinelUrls,
});

beforeAll(async () => {
  sentinels = await RedisSentinelSet.start();
}, 60_000);

afterAll(async () => {
  await sentinels?.stop();
});

const harnesses = storeHarnesses(topology);
describeCredentialStore('RedisCredentialStore through Sentinel', { describe, it }, harnesses.redis);
describeCredentialStore(
  'ResilientCredentialStore through Sentinel',
  { describe, it },
  harnesses.resilient,
);
