import { Agent } from 'node:http';
import { Test } from '@nestjs/testing';
import axios from 'axios';
import { WeChatApiClient, TokenService, WeChatModule } from '../src/index.js';
import { BENCH_APP_ID, BENCH_APP_SECRET } from './bench-app.js';
import { startChildServer } from './child-server.js';
import { compareSideBySide } from './side-by-side.js';

const PATH = '/cgi-bin/get_api_domain_ip';
const ROUNDS = 5;
const ROUND_MS = 2000;
const CONCURRENCY = 32;

async function callsPerSecond(call: () => Promise<unknown>, ms = ROUND_MS): Promise<number> {
  const until = Date.now() + ms;
  let calls = 0;
  const worker = async () => {
    while (Date.now() < until) {
      await call();
      calls += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (calls * 1000) / (performance.now() - started);
}

/** API calls per second through `WeChatApiClient` versus raw axios to the same endpoint. */
export async function benchApiClient(): Promise<void> {
  const emulator = await startChildServer<{ url: string }>('emulator');
  const moduleRef = await Test.createTestingModule({
    imports: [
      WeChatModule.forRoot({
        appId: BENCH_APP_ID,
        appSecret: BENCH_APP_SECRET,
        apiBaseUrl: emulator.info.url,
        token: { prefetch: false },
      }),
    ],
  })
    .setLogger(false as never)
    .compile();
  await moduleRef.init();
  const agent = new Agent({ keepAlive: true });
  try {
    const api = moduleRef.get(WeChatApiClient);
    const token = await moduleRef.get(TokenService).getAccessToken();
    const raw = axios.create({ baseURL: emulator.info.url, httpAgent: agent });
    const viaClient = () => api.get(PATH);
    const viaAxios = async () => {
      const { data } = await raw.get(PATH, { params: { access_token: token } });
      if (data.errcode) throw new Error(`raw call failed: ${data.errcode}`);
    };
    await callsPerSecond(viaClient, 500);
    await callsPerSecond(viaAxios, 500);
    await compareSideBySide({
      unit: 'calls/s',
      rounds: ROUNDS,
      baseline: { label: 'raw axios', measure: () => callsPerSecond(viaAxios) },
      candidate: { label: 'WeChatApiClient.get()', measure: () => callsPerSecond(viaClient) },
      minRatio: 1.0,
    });
  } finally {
    agent.destroy();
    await moduleRef.close();
    await emulator.stop();
  }
}
