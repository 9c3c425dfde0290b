import { randomUUID } from 'node:crypto';
import { Bench } from 'tinybench';
import { TokenService } from '../src/index.js';
import { REDIS_URL, startBenchApp } from './bench-app.js';

/** `getAccessToken()` throughput with the Redis store versus memory only, in one run. */
export async function benchRedisVersusMemory(): Promise<void> {
  const memory = await startBenchApp();
  const redis = await startBenchApp({
    redis: { url: REDIS_URL, keyPrefix: `nestjs-wechat-bench:${randomUUID()}:` },
  });
  try {
    const memoryTokens = memory.moduleRef.get(TokenService);
    const redisTokens = redis.moduleRef.get(TokenService);
    await memoryTokens.getAccessToken();
    await redisTokens.getAccessToken();

    const bench = new Bench({ time: 1500, warmup: true, warmupTime: 300 });
    bench
      .add('getAccessToken(), memory store', async () => {
        await memoryTokens.getAccessToken();
      })
      .add('getAccessToken(), Redis store', async () => {
        await redisTokens.getAccessToken();
      });
    await bench.run();
    console.table(bench.table());
    const [memoryHz, redisHz] = bench.tasks.map(
      (task) => (task.result as { throughput?: { mean: number } }).throughput?.mean ?? NaN,
    );
    const ratio = redisHz / memoryHz;
    // No target: this shows that the hot path serves from memory whichever store is configured.
    console.log(`Redis / memory throughput: ${ratio.toFixed(2)}`);
  } finally {
    await redis.close();
    await memory.close();
  }
}
