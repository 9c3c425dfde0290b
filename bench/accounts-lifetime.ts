import { randomBytes, randomUUID } from 'node:crypto';
import { type createClient } from 'redis';
import { REDIS_URL } from './bench-app.js';
import { benchAppIds } from './accounts-app.js';
import { AccountsProcess } from './accounts-process.js';
import { deleteKeysUnder } from './accounts-redis-census.js';
import { type SpreadCallsResult } from './accounts-spread-calls.js';
import { type FakeTokenServer } from './fake-token-server.js';

/** Processes on one Redis, each holding the same accounts and asking for each one's token. */
export interface LifetimeRun {
  count: number;
  processes: number;
  /** The token server's `expires_in`. */
  lifetimeS: number;
  refreshAheadSeconds: number;
  refreshesPerSecond: number;
}

export interface LifetimeResult extends LifetimeRun {
  calls: number;
  errors: number;
  /** Calls still waiting a few seconds after the last one was made. */
  unfinished: number;
  firstError?: string;
  /** Accounts fetched at least once. */
  fetchedAccounts: number;
  /** Fetches of an account less than half a refresh cycle after its previous one. */
  duplicates: number;
  /** Per account per token lifetime, counted over two refresh cycles after the first lifetime. */
  perAccountPerLifetime: number;
  /** One process alone: one fetch a cycle (the lifetime less the refresh-ahead). */
  idealPerLifetime: number;
  /** Fetches each process made (its TokenServices' `status().fetches`). */
  fetchesByProcess: number[];
}

/**
 * Runs `processes` processes with `count` accounts each: every process asks for every account's
 * token once a lifetime, spread over it, through the first lifetime and two refresh cycles after
 * it. The token server counts the fetches.
 */
export async function measureLifetime(
  run: LifetimeRun,
  server: FakeTokenServer,
  redis: ReturnType<typeof createClient>,
): Promise<LifetimeResult> {
  const tag = randomBytes(3).toString('hex');
  const keyPrefix = `nestjs-wechat-bench:${randomUUID()}:`;
  const appIds = benchAppIds(tag, run.count);
  const lifetimeMs = run.lifetimeS * 1000;
  const cycleMs = (run.lifetimeS - run.refreshAheadSeconds) * 1000;
  const workers = await Promise.all(
    Array.from({ length: run.processes }, () =>
      AccountsProcess.start({
        form: 'accounts',
        count: run.count,
        tag,
        apiBaseUrl: server.url,
        redisUrl: REDIS_URL,
        keyPrefix,
        prefetch: false,
        refreshAheadSeconds: run.refreshAheadSeconds,
        refreshesPerSecond: run.refreshesPerSecond,
      }),
    ),
  );
  try {
    const startedAt = Date.now();
    const steadyFrom = startedAt + lifetimeMs;
    const steadyUntil = steadyFrom + 2 * cycleMs;
    const results = await Promise.all(
      workers.map((worker) =>
        worker.request<SpreadCallsResult & { fetches: number }>('spread', {
          lifetimeMs,
          durationMs: steadyUntil - startedAt,
        }),
      ),
    );
    const steadyFetches = server.fetchesOf(appIds, steadyFrom, steadyUntil);
    const lifetimesInWindow = (steadyUntil - steadyFrom) / lifetimeMs;
    return {
      ...run,
      calls: results.reduce((sum, r) => sum + r.calls, 0),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
      unfinished: results.reduce((sum, r) => sum + r.unfinished, 0),
      firstError: results.find((r) => r.firstError)?.firstError,
      fetchedAccounts: appIds.filter((appId) => server.fetchesOf([appId]) > 0).length,
      duplicates: appIds.reduce((sum, appId) => sum + closeFetches(server, appId, cycleMs / 2), 0),
      perAccountPerLifetime: steadyFetches / run.count / lifetimesInWindow,
      idealPerLifetime: lifetimeMs / cycleMs,
      fetchesByProcess: results.map((r) => r.fetches),
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await deleteKeysUnder(redis, keyPrefix);
  }
}

/** Fetches of `appId` less than `withinMs` after its previous fetch. */
function closeFetches(server: FakeTokenServer, appId: string, withinMs: number): number {
  const times = server.fetchTimesOf([appId]).sort((a, b) => a - b);
  return times.filter((at, i) => i > 0 && at - times[i - 1] < withinMs).length;
}
