import { Bench } from 'tinybench';
import { TokenService } from '../src/index.js';
import { startBenchApp, verdict } from './bench-app.js';

/** `getAccessToken()` on a warm token versus the cheapest async lookup there is. */
export async function benchTokenHotPath(): Promise<void> {
  const app = await startBenchApp();
  try {
    const tokens = app.moduleRef.get(TokenService);
    const token = await tokens.getAccessToken();
    const map = new Map([['access_token', token]]);
    const baseline = async () => map.get('access_token');

    const bench = new Bench({ time: 1500, warmup: true, warmupTime: 300 });
    bench
      .add('baseline: async () => map.get(key)', async () => {
        await baseline();
      })
      .add('TokenService.getAccessToken() (warm)', async () => {
        await tokens.getAccessToken();
      });
    await bench.run();
    console.table(bench.table());

    const [base, ours] = bench.tasks.map((task) => {
      const result = task.result as { latency?: { mean: number } };
      return result.latency?.mean ?? NaN;
    });
    const ratio = ours / base;
    console.log(
      `getAccessToken() warm / baseline mean latency: ${verdict(ratio, '<= 2', ratio <= 2)}`,
    );
  } finally {
    await app.close();
  }
}
