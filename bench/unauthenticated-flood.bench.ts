import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import autocannon from 'autocannon';
import { createClient } from 'redis';
import { WeChatAuth, WeChatModule, type WeChatModuleOptions, WeChatUser } from '../src/index.js';
import { WeChatEmulator } from '../src/testing/index.js';
import { BENCH_APP_ID, BENCH_APP_SECRET, REDIS_URL } from './bench-app.js';

const REQUESTS = 100_000;

/** A browser's sign-in, started (sent to WeChat with its pending cookie) but not completed. */
interface StartedSignIn {
  authorizeUrl: string;
  cookie: string;
}

async function startSignIn(url: string): Promise<StartedSignIn> {
  const page = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { authorizeUrl: page.headers.get('location')!, cookie };
}

/** Completes it through the emulator's authorize page and the app's callback: signed in? */
async function completeSignIn({ authorizeUrl, cookie }: StartedSignIn): Promise<boolean> {
  const authorize = await fetch(authorizeUrl.split('#')[0], { redirect: 'manual' });
  const callback = await fetch(authorize.headers.get('location')!, {
    redirect: 'manual',
    headers: { cookie },
  });
  return (
    callback.status === 302 &&
    callback.headers.getSetCookie().some((c) => c.startsWith('wechat_session='))
  );
}

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
    const emulator = await WeChatEmulator.start({
      appId: BENCH_APP_ID,
      appSecret: BENCH_APP_SECRET,
    });
    emulator.addUser({ openid: 'o_real_user_01' });
    emulator.signIn('o_real_user_01');
    const options: WeChatModuleOptions = {
      appId: BENCH_APP_ID,
      appSecret: BENCH_APP_SECRET,
      apiBaseUrl: emulator.url,
      openBaseUrl: emulator.url,
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
      // A real user's sign-in, started before the flood and completed after it.
      const realUser = await startSignIn(url);
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
      const signedIn = await completeSignIn(realUser);
      const redirected = result['3xx'];
      console.log(
        `${store} store: ${REQUESTS} requests without a session (${redirected} redirected to ` +
          `WeChat, ${result.non2xx - redirected} other non-2xx, ${result.errors} errors): ` +
          `store keys ${keysBefore} -> ${keysAfter}` +
          (store === 'memory' ? ' (Redis untouched)' : '') +
          `; heap ${heapBefore.toFixed(1)} MB -> ${heapAfter.toFixed(1)} MB ` +
          `(${(((heapAfter - heapBefore) * 1024 * 1024) / REQUESTS).toFixed(1)} bytes a request)` +
          `; a sign-in started before them ${signedIn ? 'completed after them' : 'FAILED after them'}`,
      );
      if (!signedIn) process.exitCode = 1;
    } finally {
      await redis.close();
      await app.close();
      await emulator.close();
    }
  }
}
