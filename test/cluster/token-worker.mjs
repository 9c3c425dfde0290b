// One instance of a clustered app, run as its own Node process by the cluster tests and the
// cluster benchmark. It loads the built package (dist/), as a user's app would, and obeys
// commands sent over the IPC channel.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { TokenService, WeChatApiClient, WeChatModule } from '../../dist/index.js';

const send = (message) => process.send?.(message);
const forward =
  (level) =>
  (message, ...context) =>
    send({ type: 'log', level, message: String(message), context: context.map(String) });
const logger = {
  log: forward('log'),
  error: forward('error'),
  warn: forward('warn'),
  debug: () => undefined,
  verbose: () => undefined,
};

const options = JSON.parse(process.env.WECHAT_WORKER_OPTIONS ?? '{}');
const app = await NestFactory.createApplicationContext(WeChatModule.forRoot(options), { logger });
const tokens = app.get(TokenService);
const api = app.get(WeChatApiClient);

const describe = (error) => `${error?.name}: ${error?.message}`;

const commands = {
  async burst({ count }) {
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: count }, () => tokens.getAccessToken()),
    );
    return {
      tokens: [...new Set(results.filter((r) => r.status === 'fulfilled').map((r) => r.value))],
      errors: results.filter((r) => r.status === 'rejected').map((r) => describe(r.reason)),
      ms: Date.now() - started,
    };
  },
  async load({ path, concurrency, durationMs }) {
    const until = Date.now() + durationMs;
    const errors = [];
    let calls = 0;
    const loop = async () => {
      while (Date.now() < until) {
        calls += 1;
        await api.get(path).catch((error) => errors.push(describe(error)));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    return { calls, errors };
  },
  async token() {
    return { token: await tokens.getAccessToken() };
  },
  async call({ path }) {
    return { reply: await api.get(path) };
  },
  async stats() {
    return { stats: await tokens.stats() };
  },
  async close() {
    await app.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async ({ id, command, args }) => {
  try {
    send({ type: 'reply', id, ok: true, ...(await commands[command](args ?? {})) });
  } catch (error) {
    send({ type: 'reply', id, ok: false, error: describe(error) });
  }
});
send({ type: 'ready', pid: process.pid });
