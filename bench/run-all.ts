import { benchAccounts } from './accounts.bench.js';
import { benchApiClient } from './api-client.bench.js';
import { benchAuthGuard } from './auth-guard.bench.js';
import { benchClusterFetches } from './cluster-fetches.bench.js';
import { benchColdStartFetches } from './cold-start-fetches.bench.js';
import { benchPushCluster } from './push-cluster.bench.js';
import { benchPushEndpoint } from './push-endpoint.bench.js';
import { benchRedisVersusMemory } from './redis-vs-memory.bench.js';
import { benchTokenHotPath } from './token-hot-path.bench.js';
import { benchUnauthenticatedFlood } from './unauthenticated-flood.bench.js';

const benches: [string, () => Promise<void>][] = [
  ['Token hot path', benchTokenHotPath],
  ['Cold start', benchColdStartFetches],
  ['Cluster: processes x concurrency on one Redis', benchClusterFetches],
  ['Redis store versus memory only', benchRedisVersusMemory],
  ['@WeChatAuth() route versus the bare handler', benchAuthGuard],
  ['100,000 requests without a session: what they leave behind', benchUnauthenticatedFlood],
  ['WeChatApiClient versus raw axios', benchApiClient],
  ['Push endpoint: safe versus plain mode, and versus the wechat package', benchPushEndpoint],
  ['Push cluster: every try to every process, and the cost of the shared dedupe', benchPushCluster],
  [
    'Several accounts: 1, 1,000 and 10,000 in one module, versus a module per account',
    benchAccounts,
  ],
];

for (const [title, run] of benches) {
  console.log(`\n== ${title} ==`);
  await run();
}
