import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { REDIS_URL, verdict } from './bench-app.js';
import {
  BURST_GAP_MS,
  type Footprint,
  type FootprintSetup,
  measureFootprint,
} from './accounts-footprint.js';
import { type LifetimeResult, measureLifetime } from './accounts-lifetime.js';
import { bytes, compare, count, FEWER, loadAverage, milliseconds } from './accounts-format.js';
import { GRACE_MS } from './accounts-spread-calls.js';
import { FakeTokenServer } from './fake-token-server.js';

const COUNTS = [1, 1000, 10_000];
/** Today's approach, one `forRoot({ appId })` per account, is measured at this many accounts. */
const COMPARED_AT = 1000;
const WINDOW_S = 10;
const DEFAULT_REFRESHES_PER_SECOND = 20;
const REAL_LIFETIME_S = 7200;
// A token lifetime passes in 20 s instead of 7200 s; refreshed 1 s ahead of expiry, so one
// process alone fetches once a 19 s cycle: 20/19 = 1.05 fetches per lifetime.
const LIFETIME_S = 20;
const REFRESH_AHEAD_S = 1;
const PROCESSES = 4;
// Compressed 360x, 10,000 accounts would ask each process to start about 1,600 refreshes a
// second: on a 2-CPU machine Redis operations then pass their 1 s timeout, the store degrades
// and every process fetches for itself (measured: 3.93 fetches per account per lifetime). The
// lifetime is stretched so that no process starts more than about this many refreshes a second
// (10,000 accounts: 100 s, compressed 72x); at WeChat's real 7200 s they refresh 1.4 a second.
const MOST_REFRESHES_PER_SECOND = 100;

function lifetimeOf(accounts: number): number {
  return Math.max(LIFETIME_S, Math.ceil(accounts / MOST_REFRESHES_PER_SECOND));
}

const SETUPS: FootprintSetup[] = [
  ...COUNTS.flatMap((count) => [
    { form: 'accounts' as const, count, prefetch: false },
    { form: 'accounts' as const, count, prefetch: true },
  ]),
  // Once, with the default prefetch: a thousand modules take minutes to start.
  { form: 'modules', count: COMPARED_AT, prefetch: true },
];

/**
 * Issue 13: what 1, 1,000 and 10,000 accounts cost one process in the several-accounts form
 * (heap, Redis connections and subscriptions, timers, fetches in the first minute) beside one
 * module per account at 1,000; and the fetches per account per token lifetime across 4 processes.
 */
export async function benchAccounts(): Promise<void> {
  console.log(`Machine: ${cpus().length} CPUs, load average ${loadAverage()} at the start.`);
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  try {
    await benchFootprints(redis);
    await benchLifetimes(redis);
  } finally {
    await redis.close();
  }
  console.log(`Load average ${loadAverage()} at the end.`);
}

async function benchFootprints(redis: ReturnType<typeof createClient>): Promise<void> {
  const server = await FakeTokenServer.start({ expiresInSeconds: REAL_LIFETIME_S });
  const footprints: Footprint[] = [];
  try {
    for (const setup of SETUPS) {
      footprints.push(await measureFootprint(setup, server, redis, WINDOW_S * 1000));
    }
  } finally {
    await server.close();
  }
  console.log(
    `\nOne process each, on Redis; tokens live ${REAL_LIFETIME_S} s; refreshesPerSecond ` +
      `${DEFAULT_REFRESHES_PER_SECOND} (the default). Heap: growth over the app's start, after a ` +
      `full GC, / accounts. Connections: the kernel's count of the process's sockets. ` +
      `Connections, timers and tasks: ${WINDOW_S - 0.5} s after the app was up (between two ` +
      `batches of fetches); fetches: in the first ${WINDOW_S} s.`,
  );
  console.table(footprints.map(footprintRow));
  const disagreements = footprints.filter(
    (f) => f.redisClientsSeen !== f.redisConnections || f.channelSubscribers !== f.subscriptions,
  );
  console.log(
    disagreements.length === 0
      ? 'Redis agrees on every row: CLIENT LIST shows the same connections, PUBSUB NUMSUB the same subscriptions.'
      : `Redis DISAGREES: ${JSON.stringify(disagreements)}`,
  );
  const idle = (count: number) =>
    footprints.find((f) => f.form === 'accounts' && f.count === count && !f.prefetch)!;
  const [fewest, most] = [idle(COUNTS[0]), idle(COUNTS.at(-1)!)];
  console.log(
    `Heap of each account past the first (idle): (heap at ${most.count.toLocaleString('en')} - ` +
      `heap at ${fewest.count}) / ${(most.count - fewest.count).toLocaleString('en')} = ` +
      `${bytes((most.heapBytes - fewest.heapBytes) / (most.count - fewest.count))}.`,
  );
  console.log(
    `Fetches: the scheduler starts up to ${DEFAULT_REFRESHES_PER_SECOND} at the start of each ` +
      `second, so a ${WINDOW_S} s window holds ${WINDOW_S + 1} batches (0 s to ${WINDOW_S} s); ` +
      `"largest burst": the most fetches with no ${BURST_GAP_MS} ms pause between two; "peak/s": ` +
      `the most in any sliding second at the token server, which can catch two batches (each ` +
      `arrives a few ms after its start, after the Redis round trips before the fetch). ` +
      `"1st minute": extrapolated, all accounts when the window fetched them all, else ` +
      `min(accounts, fetches / ${WINDOW_S} s x 60 s).`,
  );
  printComparison(footprints);
}

function footprintRow(f: Footprint): Record<string, string | number> {
  return {
    form: f.form === 'accounts' ? 'one module' : 'module per account',
    accounts: f.count.toLocaleString('en'),
    prefetch: f.prefetch ? 'on' : 'off',
    'start ms': Math.round(f.startMs),
    'heap/account': bytes(f.heapBytes / f.count),
    'Redis conns': f.redisConnections,
    subs: f.subscriptions,
    'sched. timers (tasks)': `${f.schedulerTimers} (${count(f.pendingTasks)})`,
    'Node timers (ref)': `${f.nodeTimers} (${f.refTimeouts})`,
    'upstream sockets': f.upstreamSockets,
    [`fetches ${WINDOW_S} s`]: f.fetches,
    'largest burst': f.largestBurst,
    'peak/s': f.peakFetchesPerSecond,
    '1st minute': firstMinute(f).toLocaleString('en'),
  };
}

function printComparison(footprints: Footprint[]): void {
  const find = (form: Footprint['form']) =>
    footprints.find((f) => f.form === form && f.count === COMPARED_AT && f.prefetch)!;
  const [ours, theirs] = [find('accounts'), find('modules')];
  const n = COMPARED_AT.toLocaleString('en');
  console.log(
    `\nAt ${n} accounts, default prefetch: one module listing them versus ${n} modules ` +
      `(one forRoot({ appId }) per account), side by side:`,
  );
  const perAccount = (f: Footprint) => f.heapBytes / f.count;
  const lines: [string, number, number, (value: number) => string, [string, string]][] = [
    ['heap per account', perAccount(ours), perAccount(theirs), bytes, ['less', 'more']],
    ['start', ours.startMs, theirs.startMs, milliseconds, ['faster', 'slower']],
    ['Redis connections', ours.redisConnections, theirs.redisConnections, count, FEWER],
    ['Redis subscriptions', ours.subscriptions, theirs.subscriptions, count, FEWER],
    ['scheduler timers', ours.schedulerTimers, theirs.schedulerTimers, count, FEWER],
    ['Node timers alive', ours.nodeTimers, theirs.nodeTimers, count, FEWER],
    ['upstream sockets', ours.upstreamSockets, theirs.upstreamSockets, count, FEWER],
    [`fetches in the first ${WINDOW_S} s`, ours.fetches, theirs.fetches, count, FEWER],
    ['largest burst of fetches', ours.largestBurst, theirs.largestBurst, count, FEWER],
    [
      'peak fetches in one second',
      ours.peakFetchesPerSecond,
      theirs.peakFetchesPerSecond,
      count,
      FEWER,
    ],
  ];
  for (const [label, a, b, shown, words] of lines) {
    console.log(`  ${label.padEnd(28)} ${shown(a)} vs ${shown(b)} (${compare(a, b, words)})`);
  }
  const burst = ours.largestBurst;
  console.log(
    `  Largest burst from one module: ` +
      verdict(burst, `<= ${DEFAULT_REFRESHES_PER_SECOND}`, burst <= DEFAULT_REFRESHES_PER_SECOND),
  );
}

async function benchLifetimes(redis: ReturnType<typeof createClient>): Promise<void> {
  const cycleS = LIFETIME_S - REFRESH_AHEAD_S;
  const ideal = LIFETIME_S / cycleS;
  console.log(
    `\n${PROCESSES} processes on one Redis, each with the same accounts (one module, prefetch ` +
      `off), each asking for every account's token once a lifetime, spread over it, from a ` +
      `random account on. Tokens live ${LIFETIME_S} s (${REAL_LIFETIME_S} s compressed ` +
      `${REAL_LIFETIME_S / LIFETIME_S}x), or longer where that would ask a process for more than ` +
      `${MOST_REFRESHES_PER_SECOND} refreshes a second (see "lifetime s"), refreshed ` +
      `${REFRESH_AHEAD_S} s ahead: one fetch a cycle (the lifetime less ${REFRESH_AHEAD_S} s) is ` +
      `ideal, ${ideal.toFixed(2)} per lifetime at ${LIFETIME_S} s. Counted by the token server ` +
      `over the 2 cycles after the first lifetime. refreshesPerSecond is scaled with the ` +
      `compression (3 x accounts / cycle, at least ${DEFAULT_REFRESHES_PER_SECOND}), so that ` +
      `background refreshes keep up. "duplicate": a fetch less than half a cycle after the ` +
      `account's previous one.`,
  );
  const rows: Record<string, string | number>[] = [];
  const failures: string[] = [];
  for (const accounts of COUNTS) {
    const lifetimeS = lifetimeOf(accounts);
    const refreshesPerSecond = Math.max(
      DEFAULT_REFRESHES_PER_SECOND,
      Math.ceil((3 * accounts) / (lifetimeS - REFRESH_AHEAD_S)),
    );
    const server = await FakeTokenServer.start({ expiresInSeconds: lifetimeS });
    try {
      const started = performance.now();
      const result = await measureLifetime(
        {
          count: accounts,
          processes: PROCESSES,
          lifetimeS,
          refreshAheadSeconds: REFRESH_AHEAD_S,
          refreshesPerSecond,
        },
        server,
        redis,
      );
      rows.push(lifetimeRow(result, (performance.now() - started) / 1000));
      const failed = result.errors + result.unfinished;
      if (failed > 0) {
        failures.push(
          `${count(accounts)} x ${PROCESSES} did not keep up on this machine: ` +
            `${count(failed)} of ${count(result.calls)} calls failed or were still waiting ` +
            `${GRACE_MS / 1000} s after the last one (first error: ` +
            `${result.firstError ?? 'none, only waiting'}); its other figures are not a steady state.`,
        );
      }
    } finally {
      await server.close();
    }
  }
  console.table(rows);
  for (const failure of failures) console.log(failure);
  console.log(
    `Without a shared store, ${PROCESSES} processes would fetch ${PROCESSES} x ${ideal.toFixed(2)} ` +
      `= ${(PROCESSES * ideal).toFixed(2)} per account per lifetime at ${LIFETIME_S} s ` +
      `(computed, not measured).`,
  );
}

function lifetimeRow(r: LifetimeResult, wallS: number): Record<string, string | number> {
  const target = r.idealPerLifetime * 1.05;
  const failed = r.errors + r.unfinished;
  const kept = failed === 0;
  return {
    'accounts x processes': `${count(r.count)} x ${r.processes}`,
    'lifetime s': r.lifetimeS,
    'refreshes/s': r.refreshesPerSecond,
    'wall s': Math.round(wallS),
    'getAccessToken calls': r.calls,
    'failed (unfinished)': `${failed} (${r.unfinished})`,
    'accounts fetched': r.fetchedAccounts,
    duplicates: verdict(r.duplicates, '0', kept && r.duplicates === 0),
    'fetches/account/lifetime': verdict(
      r.perAccountPerLifetime,
      `<= ${target.toFixed(2)}`,
      kept && r.perAccountPerLifetime <= target,
    ),
    'fetches by process': r.fetchesByProcess.join(' / '),
  };
}

function firstMinute(f: Footprint): number {
  if (f.fetches >= f.count) return f.count;
  return Math.min(f.count, Math.round((f.fetches / WINDOW_S) * 60));
}

// Runnable alone: node build/bench/bench/accounts.bench.js
if (import.meta.url === pathToFileURL(process.argv[1]).href) await benchAccounts();
