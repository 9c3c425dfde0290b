import autocannon from 'autocannon';
import { SessionCodec } from '../src/oauth/session-codec.js';
import { BENCH_SESSION_SECRET } from './auth-guard.server.js';
import { startChildServer } from './child-server.js';
import { compareSideBySide } from './side-by-side.js';

const ROUNDS = 5;
const SECONDS = 3;

async function requestsPerSecond(url: string, cookie: string, seconds = SECONDS): Promise<number> {
  const result = await autocannon({
    url,
    connections: 20,
    duration: seconds,
    headers: { cookie, accept: 'application/json' },
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result.requests.average;
}

/** Requests/second of a `@WeChatAuth()` route with a valid session versus the same handler bare. */
export async function benchAuthGuard(): Promise<void> {
  const server = await startChildServer<{ port: number }>('auth-guard');
  const origin = `http://127.0.0.1:${server.info.port}`;
  const session = new SessionCodec(BENCH_SESSION_SECRET).encode(
    { openid: 'o_bench_user_01', scope: 'snsapi_base' },
    3600,
  );
  const cookie = `wechat_session=${session}`;
  try {
    // Warm-up (JIT, connection pools) on both routes, not measured.
    await requestsPerSecond(`${origin}/bare`, cookie, 1);
    await requestsPerSecond(`${origin}/guarded`, cookie, 1);
    await compareSideBySide({
      unit: 'req/s',
      rounds: ROUNDS,
      baseline: {
        label: 'bare handler',
        measure: () => requestsPerSecond(`${origin}/bare`, cookie),
      },
      candidate: {
        label: '@WeChatAuth() with a valid session',
        measure: () => requestsPerSecond(`${origin}/guarded`, cookie),
      },
      minRatio: 0.9,
    });
  } finally {
    await server.stop();
  }
}
