import autocannon from 'autocannon';
import { PushCipher } from '../src/push/push-cipher.js';
import { pushSignature } from '../src/push/push-signature.js';
import { parsePushXml } from '../src/push/push-xml.js';
import { BENCH_APP_ID } from './bench-app.js';
import { startChildServer } from './child-server.js';
import { AES_KEY, PUSH_PATH, PUSH_TOKEN } from './push-endpoint.server.js';
import { compareSideBySide } from './side-by-side.js';

const ROUNDS = 5;
const SECONDS = 3;
const CONNECTIONS = 20;
const WARM_UP_POOL = 50_000;
const FIRST_MSG_ID = 7_100_000_000_000_000_000n;
const cipher = new PushCipher(AES_KEY);

type Mode = 'plain' | 'safe';
interface Target {
  label: string;
  origin: string;
  mode: Mode;
}

let pushCount = 0;

/** A text push with its own MsgId and content, signed (and in safe mode encrypted) like WeChat's. */
function signedPush(mode: Mode): { path: string; body: string; content: string } {
  const n = ++pushCount;
  const content = `hello ${n}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(n);
  const xml =
    `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>` +
    `<FromUserName><![CDATA[o_bench_user_01]]></FromUserName><CreateTime>${timestamp}</CreateTime>` +
    `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content>` +
    `<MsgId>${FIRST_MSG_ID + BigInt(n)}</MsgId></xml>`;
  const signature = pushSignature(PUSH_TOKEN, timestamp, nonce);
  const path = `${PUSH_PATH}?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&openid=o_bench_user_01`;
  if (mode === 'plain') return { path, body: xml, content };
  const encrypt = cipher.encrypt(xml, BENCH_APP_ID);
  return {
    path: `${path}&encrypt_type=aes&msg_signature=${pushSignature(PUSH_TOKEN, timestamp, nonce, encrypt)}`,
    body: `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    content,
  };
}

/** Why one fresh push to `target` does not get the expected reply; undefined when it does. */
async function replyProblem(target: Target): Promise<string | undefined> {
  const push = signedPush(target.mode);
  try {
    const response = await fetch(`${target.origin}${push.path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: push.body,
    });
    const text = await response.text();
    if (response.status !== 200) return `HTTP ${response.status}: ${text.slice(0, 80)}`;
    let fields = parsePushXml(text);
    const encrypted = typeof fields.Encrypt === 'string';
    if (encrypted !== (target.mode === 'safe')) return `reply encrypted: ${encrypted}`;
    if (typeof fields.Encrypt === 'string') {
      const { message, appId } = cipher.decrypt(fields.Encrypt);
      if (appId !== BENCH_APP_ID) return `reply encrypted for appId ${appId}`;
      fields = parsePushXml(message);
    }
    const expected = `You said: ${push.content}`;
    return fields.Content === expected ? undefined : `replied ${JSON.stringify(fields.Content)}`;
  } catch (error) {
    return String(error);
  }
}

async function handlerRuns(origin: string): Promise<number> {
  const response = await fetch(`${origin}/handled`);
  return ((await response.json()) as { handled: number }).handled;
}

/** Pushes answered by `target` per second (samples), each push distinct and each answer a 2xx. */
async function pushesPerSecond(target: Target, poolSize: number, seconds = SECONDS) {
  // Prepared before the clock starts, each sent once: a push sent twice would be a retry, which
  // the endpoint answers from its memo without running the handler.
  const pool = Array.from({ length: poolSize }, () => signedPush(target.mode));
  let taken = 0;
  const runsBefore = await handlerRuns(target.origin);
  const result = await autocannon({
    url: target.origin,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    requests: [
      {
        setupRequest: (request) => {
          const { path, body } = pool[taken++ % poolSize];
          return { ...request, path, body };
        },
      },
    ],
  });
  const runs = (await handlerRuns(target.origin)) - runsBefore;
  const answered = result.requests.total;
  if (taken > poolSize) {
    throw new Error(`${target.label}: ${taken} pushes taken from a pool of ${poolSize}`);
  }
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${target.label}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  if (runs < answered) {
    throw new Error(`${target.label}: ${answered} answers but the handler ran ${runs} times`);
  }
  return result.requests;
}

/** Verified text pushes/second: safe versus plain mode, and versus the `wechat` package. */
export async function benchPushEndpoint(): Promise<void> {
  const server = await startChildServer<{ nestPort: number; peerPort: number }>('push-endpoint');
  const ours = `http://127.0.0.1:${server.info.nestPort}`;
  const peer = `http://127.0.0.1:${server.info.peerPort}`;
  const targets: Record<string, Target> = {
    oursPlain: { label: 'nestjs-wechat, plain mode', origin: ours, mode: 'plain' },
    oursSafe: { label: 'nestjs-wechat, safe mode', origin: ours, mode: 'safe' },
    peerPlain: { label: 'wechat 2.1.0 (Express), plain mode', origin: peer, mode: 'plain' },
    peerSafe: { label: 'wechat 2.1.0 (Express), safe mode', origin: peer, mode: 'safe' },
  };
  try {
    const working: Target[] = [];
    for (const target of Object.values(targets)) {
      const problem = await replyProblem(target);
      if (problem && target.origin === ours) throw new Error(`${target.label}: ${problem}`);
      if (problem) console.log(`${target.label}: FAILED, not measured (${problem})`);
      else working.push(target);
    }
    // Warm-up (JIT, connection pools), not measured. Its fastest second sizes the pools of the
    // rounds, with room: on a busy machine a warm round ran 2.5 times as fast as the warm-up.
    let fastest = 0;
    for (const target of working) {
      fastest = Math.max(fastest, (await pushesPerSecond(target, WARM_UP_POOL, 2)).max);
    }
    const poolSize = Math.ceil(fastest * SECONDS * 3);
    const measure = (target: Target) => () =>
      pushesPerSecond(target, poolSize).then((samples) => samples.average);
    const compare = async (baseline: Target, candidate: Target, minRatio: number) => {
      if (!working.includes(baseline) || !working.includes(candidate)) return;
      await compareSideBySide({
        unit: 'pushes/s',
        rounds: ROUNDS,
        baseline: { label: baseline.label, measure: measure(baseline) },
        candidate: { label: candidate.label, measure: measure(candidate) },
        minRatio,
      });
    };
    await compare(targets.oursPlain, targets.oursSafe, 0.8);
    await compare(targets.peerPlain, targets.oursPlain, 1);
    await compare(targets.peerSafe, targets.oursSafe, 1);
  } finally {
    await server.stop();
  }
}
