import { randomUUID } from 'node:crypto';
import { startWorkers } from '../test/cluster/cluster-workers.js';
import { WeChatEmulator } from '../src/testing/index.js';
import { BENCH_APP_ID, BENCH_APP_SECRET, REDIS_URL, verdict } from './bench-app.js';

const SHAPES: [processes: number, concurrency: number][] = [
  [2, 250],
  [4, 250],
  [4, 1000],
];

/** Separate processes on one Redis, each with concurrent cold callers: upstream fetches. */
export async function benchClusterFetches(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const [processes, concurrency] of SHAPES) {
    const emulator = await WeChatEmulator.start({
      appId: BENCH_APP_ID,
      appSecret: BENCH_APP_SECRET,
    });
    const workers = await startWorkers(processes, {
      appId: BENCH_APP_ID,
      appSecret: BENCH_APP_SECRET,
      apiBaseUrl: emulator.url,
      token: { prefetch: false },
      redis: { url: REDIS_URL, keyPrefix: `nestjs-wechat-bench:${randomUUID()}:` },
    });
    try {
      const started = performance.now();
      const bursts = await Promise.all(
        workers.map((w) =>
          w.request<{ tokens: string[]; errors: string[] }>('burst', { count: concurrency }),
        ),
      );
      const elapsed = performance.now() - started;
      const fetches = emulator.callCount('/cgi-bin/token');
      rows.push({
        'processes x concurrency': `${processes} x ${concurrency}`,
        'distinct tokens': new Set(bursts.flatMap((b) => b.tokens)).size,
        errors: bursts.reduce((n, b) => n + b.errors.length, 0),
        'cold start (ms)': Math.round(elapsed),
        'upstream fetches': verdict(fetches, '1', fetches === 1),
      });
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await emulator.close();
    }
  }
  console.table(rows);
}
