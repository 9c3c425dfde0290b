import { TokenService } from '../src/index.js';
import { startBenchApp, verdict } from './bench-app.js';

const CALLERS = 1000;

/** Upstream fetches caused by 1000 concurrent callers on a cold start (target: exactly 1). */
export async function benchColdStartFetches(): Promise<void> {
  const app = await startBenchApp();
  try {
    const tokens = app.moduleRef.get(TokenService);
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: CALLERS }, () => tokens.getAccessToken()),
    );
    const elapsed = performance.now() - started;
    const fetches = app.emulator.callCount('/cgi-bin/token');
    console.log(
      `${CALLERS} concurrent cold callers: ${new Set(results).size} distinct token(s), ` +
        `${elapsed.toFixed(1)} ms, upstream /cgi-bin/token fetches: ${verdict(fetches, '1', fetches === 1)}`,
    );
  } finally {
    await app.close();
  }
}
