import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../support/wait-for.js';
import {
  ACCOUNTS,
  AccountsCluster,
  NAMES,
  PROCESSES,
  REFRESH_AHEAD_SECONDS,
  STEP_TIMEOUT_MS,
  TOKEN_TTL_SECONDS,
} from './cluster-accounts-harness.js';
import { type AccountUses } from './cluster-accounts-workers.js';

// A token serves the cluster from its fetch to its refresh point (TTL less the refresh ahead),
// then the next one does: over two whole lifetimes of a token (2 x TTL), the first fetch and the
// refreshes since.
const FETCHES_OVER_TWO_LIFETIMES =
  1 + (2 * TOKEN_TTL_SECONDS) / (TOKEN_TTL_SECONDS - REFRESH_AHEAD_SECONDS);
// Not the first account: the default one cannot be removed.
const REMOVED = ACCOUNTS[1];
const REMOVED_TTL_SECONDS = REFRESH_AHEAD_SECONDS + 3;
const KEPT = NAMES.filter((name) => name !== REMOVED.name);

function expectNoErrors(uses: AccountUses[], names: string[]): void {
  for (const name of names) {
    expect(uses.flatMap((use) => use[name].errors)).toEqual([]);
    for (const use of uses) expect(use[name].succeeded).toBeGreaterThan(0);
  }
}

// Issue 13's promise for several accounts, with separate processes on one Redis: one fetch per
// account per token lifetime, and a removal that every instance obeys.
describe(`several accounts in a cluster of ${PROCESSES} processes`, () => {
  const cluster = AccountsCluster.forTests();

  it(`fetches each of ${ACCOUNTS.length} accounts' tokens once per lifetime, for the whole cluster`, async () => {
    await cluster.start();
    await cluster.waitForFetches(
      Object.fromEntries(NAMES.map((name) => [name, FETCHES_OVER_TWO_LIFETIMES])),
    );
    const view = await cluster.settledView(NAMES);
    const uses = await cluster.stopLoad();

    expectNoErrors(uses, NAMES);
    for (const name of NAMES) {
      const { fetches, uses: accountUses } = view[name];
      expect(fetches).toBeGreaterThanOrEqual(FETCHES_OVER_TWO_LIFETIMES);
      // Every worker was given the same tokens, as many as WeChat issued, under the same times
      // (one stored credential at a time): the whole cluster adopted each fetch.
      const [first, ...others] = accountUses;
      const byToken = new Map(first.tokens.map((seen) => [seen.token, seen]));
      expect(byToken.size).toBe(fetches);
      for (const other of others) {
        for (const seen of other.tokens) expect(seen).toEqual(byToken.get(seen.token));
      }
      // And each token was fetched only once the one before it reached its refresh point: the
      // tokens issued are the lifetimes that passed, one fetch each.
      const inOrder = [...byToken.values()].sort((a, b) => a.fetchedAt - b.fetchedAt);
      for (let i = 1; i < inOrder.length; i += 1) {
        expect(inOrder[i].fetchedAt).toBeGreaterThanOrEqual(inOrder[i - 1].refreshAt);
      }
    }
    for (const worker of cluster.workers) {
      expect(worker.logs.filter((log) => log.level !== 'log')).toEqual([]);
    }
  });

  it('removes an account on every instance: its refreshes stop, its token leaves the store', async () => {
    // Its token is refreshed 3 s after its fetch: the removal comes well before (a removal
    // during a refresh is cluster-accounts-removal-race.e2e-spec.ts).
    await cluster.start({ [REMOVED.name]: REMOVED_TTL_SECONDS });
    await cluster.waitForFetches(Object.fromEntries(NAMES.map((name) => [name, 1])));
    await cluster.settledView([REMOVED.name]);
    const refresh = `nestjs-wechat:${REMOVED.appId}:access_token:refresh`;
    const held = await cluster.holdings(REMOVED.appId);
    for (const holding of held) {
      expect(holding).toMatchObject({ found: true, tasks: expect.arrayContaining([refresh]) });
    }
    const refreshAt = held[0].refreshAt!;
    const fetchesAtRemoval = cluster.fetches(REMOVED.name);

    const [remover] = cluster.workers;
    await expect(remover.request('remove', { name: REMOVED.name })).resolves.toMatchObject({
      removed: true,
    });
    await waitFor(
      'every worker to forget the removed account',
      async () => (await cluster.holdings(REMOVED.appId)).every((h) => !h.found),
      STEP_TIMEOUT_MS,
    );
    // Forgotten everywhere before its refresh was due (so none was under way), its refresh
    // went with it, and its credential left the store.
    expect(Date.now()).toBeLessThan(refreshAt);
    for (const holding of await cluster.holdings(REMOVED.appId)) {
      expect(holding.tasks).not.toContain(refresh);
    }
    expect(await cluster.redis.get(cluster.storeKey(REMOVED.appId))).toBeNull();

    // Past the moment its refresh was due, then two more fetches of each other account: a whole
    // refresh interval more (the second came only at the first's refresh point).
    await waitFor(
      "the removed token's refresh point",
      () => Date.now() >= refreshAt,
      STEP_TIMEOUT_MS,
    );
    await cluster.waitForFetches(
      Object.fromEntries(KEPT.map((name) => [name, cluster.fetches(name) + 2])),
    );
    await cluster.settledView(KEPT);
    const uses = await cluster.stopLoad();

    expect(cluster.fetches(REMOVED.name)).toBe(fetchesAtRemoval);
    expect(await cluster.redis.get(cluster.storeKey(REMOVED.appId))).toBeNull();
    for (const holding of await cluster.holdings(REMOVED.appId)) {
      expect(holding.found).toBe(false);
      expect(holding.tasks.filter((task) => task.includes(REMOVED.appId))).toEqual([]);
    }
    // The removed account's callers found it gone, without an error; the others' carried on.
    for (const use of uses) expect(use[REMOVED.name].gone).toBe(true);
    expect(uses.flatMap((use) => use[REMOVED.name].errors)).toEqual([]);
    expectNoErrors(uses, KEPT);
    for (const use of uses) for (const name of KEPT) expect(use[name].gone).toBe(false);
  });
});
