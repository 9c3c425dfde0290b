import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import autocannon from 'autocannon';
import { createClient } from 'redis';
import { WeChatAuth, WeChatModule, type WeChatModuleOptions, WeChatUser } from '../src/index.js';
import { BENCH_APP_ID, BENCH_APP_SECRET, REDIS_URL } from './bench-app.js';

const REQUESTS = 100_000;

@Controller()
class GuardedController {
  @Get('guarded')
  @WeChatAuth()
  guarded(@WeChatUser('openid') openid: string) {
    return { openid };
  }
}

// Collects garbage on demand, so that heap figures are what is held, not what awaits collection.
setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

function heapUsedMb(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/**
 * Issue 12, point 1: 100,000 requests without a session to a `@WeChatAuth()` route (each one
 * redirected to WeChat with a fresh state) on the memory store and on Redis: how many store keys
 * and how much heap they leave behind. The design stores nothing before the callback.
 */
export async function benchUnauthenticatedFlood(): Promise<void> {
  for (const store of ['memory', 'redis'] as const) {
    const keyPrefix = `nestjs-wechat-bench:${randomUUID()}:`;
    const options: WeChatModuleOptions = {
      appId: BENCH_APP_ID,
      appSecret: BENCH_APP_SECRET,
      apiBaseUrl: 'http://127.0.0.1:9',
      token: { prefetch: false },
      oauth: { sessionSecret: 'bench-session-secret-0123456789abcdefghij' },
      ...(store === 'redis' ? { redis: { url: REDIS_URL, keyPrefix } } : {}),
    };
    @Module({ imports: [WeChatModule.forRoot(options)], controllers: [GuardedController] })
    class FloodModule {}
    const app = await NestFactory.create(FloodModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/guarded`;
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      const countKeys = async () => (await redis.keys(`${keyPrefix}*`)).length;
      await autocannon({ url, amount: 2000, connections: 20, headers: { accept: 'text/html' } });
      const keysBefore = await countKeys();
      const heapBefore = heapUsedMb();
      const result = await autocannon({
        url,
        amount: REQUESTS,
        connections: 50,
        headers: { accept: 'text/html' },
      });
      const heapAfter = heapUsedMb();
      const keysAfter = await countKeys();
      const redirected = result['3xx'];
      console.log(
        `${store} store: ${REQUESTS} requests without a session (${redirected} redirected to ` +
          `WeChat, ${result.non2xx - redirected} other non-2xx, ${result.errors} errors): ` +
          `store keys ${keysBefore} -> ${keysAfter}` +
          (store === 'memory' ? ' (Redis untouched)' : '') +
          `; heap ${heapBefore.toFixed(1)} MB -> ${heapAfter.toFixed(1)} MB ` +
          `(${(((heapAfter - heapBefore) * 1024 * 1024) / REQUESTS).toFixed(1)} bytes a request)`,
      );
    } finally {
      await redis.close();
      await app.close();
    }
  }
}
