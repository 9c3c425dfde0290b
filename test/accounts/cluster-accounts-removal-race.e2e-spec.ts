import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../support/wait-for.js';
import {
  ACCOUNTS,
  AccountsCluster,
  HTTP_TIMEOUT_MS,
  NAMES,
  STEP_TIMEOUT_MS,
  TOKEN,
} from './cluster-accounts-harness.js';

const REMOVED = ACCOUNTS[1];

// A removal that meets a refresh in flight on some instance (the lock holder, which may be the
// remover itself): the credential that refresh brings back must not outlive the removal.
describe('removing an account while a worker is fetching its token', () => {
  const cluster = AccountsCluster.forTests();

  it('leaves no token of it in the store once that fetch is over', async () => {
    await cluster.start();
    await cluster.waitForFetches(Object.fromEntries(NAMES.map((name) => [name, 1])));
    await cluster.settledView(NAMES);
    // WeChat answers the next refresh slowly (well within the HTTP timeout): it is in flight,
    // its lock held, while the account is removed.
    cluster.emulators[REMOVED.name].injectFault(TOKEN, { delayMs: HTTP_TIMEOUT_MS / 2 });
    await cluster.waitForFetches({ [REMOVED.name]: cluster.fetches(REMOVED.name) + 1 });
    const lockKey = cluster.storeKey(REMOVED.appId, 'access_token:lock');
    expect(await cluster.redis.exists(lockKey)).toBe(1);

    await cluster.workers[0].request('remove', { name: REMOVED.name });
    // Else the premise failed: the fetch ended before the removal.
    expect(await cluster.redis.exists(lockKey)).toBe(1);
    await waitFor(
      'every worker to forget the removed account',
      async () => (await cluster.holdings(REMOVED.appId)).every((h) => !h.found),
      STEP_TIMEOUT_MS,
    );
    // The holder releases its lock once it has stored what it fetched.
    await waitFor(
      'the fetch in flight to end',
      async () => (await cluster.redis.exists(lockKey)) === 0,
      STEP_TIMEOUT_MS,
    );
    await cluster.stopLoad();

    expect(await cluster.redis.get(cluster.storeKey(REMOVED.appId))).toBeNull();
  });
});
