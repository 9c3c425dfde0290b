import autocannon from 'autocannon';
import { SessionCodec } from '../src/oauth/session-codec.js';
import { BENCH_SESSION_SECRET } from './auth-guard.server.js';
import { verdict } from './bench-app.js';
import { median, startChildServer } from './child-server.js';

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
    const bare: number[] = [];
    const guarded: number[] = [];
    // Alternated rounds, so drift in the machine's load hits both sides alike.
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await requestsPerSecond(`${origin}/bare`, cookie));
      guarded.push(await requestsPerSecond(`${origin}/guarded`, cookie));
    }
    console.table([
      {
        route: 'bare handler',
        'req/s (median)': Math.round(median(bare)),
        rounds: bare.map(Math.round).join(', '),
      },
      {
        route: '@WeChatAuth() with a valid session',
        'req/s (median)': Math.round(median(guarded)),
        rounds: guarded.map(Math.round).join(', '),
      },
    ]);
    const ratio = median(guarded) / median(bare);
    console.log(`guarded / bare requests per second: ${verdict(ratio, '>= 0.85', ratio >= 0.85)}`);
  } finally {
    await server.stop();
  }
}
