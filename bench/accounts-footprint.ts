import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type createClient } from 'redis';
import { REDIS_URL } from './bench-app.js';
import { type AccountsAppConfig, benchAppIds } from './accounts-app.js';
import { AccountsProcess } from './accounts-process.js';
import { deleteKeysUnder, redisClientsFrom, subscribersOf } from './accounts-redis-census.js';
import { connectionsOf } from './accounts-sockets.js';
import { type FakeTokenServer } from './fake-token-server.js';

/** One process's accounts, in one form, with or without start-up prefetch. */
export interface FootprintSetup {
  form: AccountsAppConfig['form'];
  count: number;
  prefetch: boolean;
}

/** What one process holding a setup's accounts costs, measured from outside and inside. */
export interface Footprint extends FootprintSetup {
  startMs: number;
  /** Heap held once the app is up, less the heap before it (both after a full GC). */
  heapBytes: number;
  /** Established TCP connections to Redis, counted by the kernel. */
  redisConnections: number;
  /** The same connections as Redis lists them (CLIENT LIST), and their subscriptions. */
  redisClientsSeen: number;
  subscriptions: number;
  /** PUBSUB NUMSUB of the change channel: every subscriber of the run's key prefix. */
  channelSubscribers: number;
  /** Clock timers the refresh schedulers hold, summed over every WeChatModule. */
  schedulerTimers: number;
  pendingTasks: number;
  /** Node timers alive in the process, unref'd ones included. */
  nodeTimers: number;
  /** Timers that keep the process up (`process.getActiveResourcesInfo()`). */
  refTimeouts: number;
  /** Established connections to the token server (the HTTP pools' kept sockets). */
  upstreamSockets: number;
  /** Token fetches from the process's start to the window's end (`windowMs` after the app was up). */
  fetches: number;
  /** The most fetches within any one second of the window. */
  peakFetchesPerSecond: number;
  /** The most fetches in a row with no pause of `BURST_GAP_MS` between two of them. */
  largestBurst: number;
}

interface InsideFigures {
  schedulerTimers: number;
  pendingTasks: number;
  nodeTimers: number;
  refTimeouts: number;
}

const REDIS_PORT = Number(new URL(REDIS_URL).port || 6379);
/** Fetches closer than this to the one before belong to one burst. */
export const BURST_GAP_MS = 250;

/** Starts a process with the setup's accounts, lets `windowMs` pass, and measures it. */
export async function measureFootprint(
  setup: FootprintSetup,
  server: FakeTokenServer,
  redis: ReturnType<typeof createClient>,
  windowMs: number,
): Promise<Footprint> {
  const tag = randomBytes(3).toString('hex');
  const keyPrefix = `nestjs-wechat-bench:${randomUUID()}:`;
  const appIds = benchAppIds(tag, setup.count);
  const worker = await AccountsProcess.start({
    ...setup,
    tag,
    apiBaseUrl: server.url,
    redisUrl: REDIS_URL,
    keyPrefix,
  });
  try {
    // Counted half a second before the window ends: midway between two of the scheduler's
    // batches (one a second), so that no batch's calls are in flight with their timers.
    await sleep(windowMs - 500);
    const inside = await worker.request<InsideFigures>('footprint');
    const redisPorts = await connectionsOf(worker.pid, REDIS_PORT);
    const seen = await redisClientsFrom(redis, redisPorts);
    const upstreamSockets = (await connectionsOf(worker.pid, server.port)).length;
    const windowEnd = worker.startedAt + windowMs;
    await sleep(Math.max(0, windowEnd - Date.now()));
    const fetchTimes = server
      .fetchTimesOf(appIds)
      .filter((at) => at < windowEnd)
      .sort((a, b) => a - b);
    return {
      ...setup,
      startMs: worker.started.startMs,
      heapBytes: worker.started.heapBytes,
      redisConnections: redisPorts.length,
      redisClientsSeen: seen.connections,
      subscriptions: seen.subscriptions,
      channelSubscribers: await subscribersOf(redis, `${keyPrefix}changed`),
      ...inside,
      upstreamSockets,
      fetches: fetchTimes.length,
      peakFetchesPerSecond: peakPerSecond(fetchTimes),
      largestBurst: largestBurst(fetchTimes),
    };
  } finally {
    await worker.stop();
    await deleteKeysUnder(redis, keyPrefix);
  }
}

/** The most of these sorted times within any one second. */
function peakPerSecond(sortedTimes: number[]): number {
  let peak = 0;
  for (let first = 0, last = 0; last < sortedTimes.length; last++) {
    while (sortedTimes[last] - sortedTimes[first] >= 1000) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

/** The longest run of these sorted times with no gap of `BURST_GAP_MS` or more. */
function largestBurst(sortedTimes: number[]): number {
  let largest = 0;
  for (let i = 0, run = 0; i < sortedTimes.length; i++) {
    run = i > 0 && sortedTimes[i] - sortedTimes[i - 1] < BURST_GAP_MS ? run + 1 : 1;
    largest = Math.max(largest, run);
  }
  return largest;
}
