import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { pushSignature } from '../src/push/push-signature.js';
import { parsePushXml } from '../src/push/push-xml.js';
import { REDIS_URL, verdict } from './bench-app.js';
import { startChildServer } from './child-server.js';
import { median } from './side-by-side.js';
import { CLUSTER_PUSH_TOKEN } from './push-cluster.server.js';

const INSTANCES = 4;
const PUSHES = 1000;
const IN_FLIGHT = 32;
const FIRST_MSG_ID = 7_200_000_000_000_000_000n;
let sent = 0;

interface Instance {
  port: number;
  stop(): Promise<void>;
}

async function startCluster(redisPrefix?: string): Promise<Instance[]> {
  process.env.BENCH_PUSH_REDIS_URL = REDIS_URL;
  if (redisPrefix) process.env.BENCH_PUSH_REDIS_PREFIX = redisPrefix;
  else delete process.env.BENCH_PUSH_REDIS_PREFIX;
  return Promise.all(
    Array.from({ length: INSTANCES }, async () => {
      const server = await startChildServer<{ port: number }>('push-cluster');
      return { port: server.info.port, stop: () => server.stop() };
    }),
  );
}

/** A distinct plain-mode text push, signed like WeChat's. */
function push(): { path: string; body: string; content: string } {
  const n = ++sent;
  const content = `hello ${n}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(n);
  const signature = pushSignature(CLUSTER_PUSH_TOKEN, timestamp, nonce);
  return {
    path: `/wechat/push?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&openid=o_b`,
    body:
      `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[o_b]]></FromUserName>` +
      `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
      `<Content><![CDATA[${content}]]></Content><MsgId>${FIRST_MSG_ID + BigInt(n)}</MsgId></xml>`,
    content,
  };
}

function post(port: number, path: string, body: string): Promise<{ ms: number; text: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path, method: 'POST', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ ms: performance.now() - started, text }));
    });
    req.on('error', reject);
    req.setHeader('Content-Type', 'text/xml');
    req.end(body);
  });
}

async function runsOf(cluster: Instance[]): Promise<number> {
  const counts = await Promise.all(
    cluster.map(async ({ port }) => {
      const response = await fetch(`http://127.0.0.1:${port}/runs`);
      return ((await response.json()) as { runs: number }).runs;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** `PUSHES` pushes, `IN_FLIGHT` at a time; each one's tries go to `targets(i)` at once. */
async function drive(cluster: Instance[], targets: (i: number) => Instance[]) {
  const latencies: number[] = [];
  let wrong = 0;
  let next = 0;
  const worker = async () => {
    while (next < PUSHES) {
      const i = next++;
      const { path, body, content } = push();
      const answers = await Promise.all(targets(i).map((t) => post(t.port, path, body)));
      for (const answer of answers) {
        latencies.push(answer.ms);
        const reply = answer.text.startsWith('<xml>') ? parsePushXml(answer.text) : undefined;
        if (reply?.Content !== `You said: ${content}`) wrong++;
      }
    }
  };
  const before = await runsOf(cluster);
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  latencies.sort((a, b) => a - b);
  return {
    runs: (await runsOf(cluster)) - before,
    wrong,
    p50: median(latencies),
    p99: latencies[Math.floor(latencies.length * 0.99)],
  };
}

/**
 * Issue 11: 4 processes on one Redis, every push sent to all 4 at once (its tries sprayed across
 * the cluster): the handler runs once a push and every try gets its reply. Then the added latency
 * of the shared dedupe for a fast handler: one try a push, through Redis versus process memory.
 */
export async function benchPushCluster(): Promise<void> {
  const shared = await startCluster(`nestjs-wechat-bench:${randomUUID()}:`);
  try {
    const sprayed = await drive(shared, () => shared);
    console.log(
      `${INSTANCES} processes x ${PUSHES} pushes, each try to every process: ` +
        `${sprayed.runs} handler runs (${verdict(sprayed.runs / PUSHES, '= 1 per push', sprayed.runs === PUSHES)}), ` +
        `${sprayed.wrong} wrong or empty replies of ${PUSHES * INSTANCES}`,
    );
    const withRedis = await drive(shared, (i) => [shared[i % INSTANCES]]);
    const memory = await startCluster();
    try {
      const withoutRedis = await drive(memory, (i) => [memory[i % INSTANCES]]);
      console.table([
        {
          '': 'dedupe in process memory',
          'p50 ms': round(withoutRedis.p50),
          'p99 ms': round(withoutRedis.p99),
        },
        {
          '': 'dedupe across the cluster (Redis)',
          'p50 ms': round(withRedis.p50),
          'p99 ms': round(withRedis.p99),
        },
      ]);
      console.log(
        `added by the shared dedupe: p50 ${round(withRedis.p50 - withoutRedis.p50)} ms, p99 ${round(withRedis.p99 - withoutRedis.p99)} ms`,
      );
    } finally {
      await Promise.all(memory.map((i) => i.stop()));
    }
  } finally {
    await Promise.all(shared.map((i) => i.stop()));
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
