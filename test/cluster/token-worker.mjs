// One instance of a clustered app, run as its own Node process by the cluster tests and the
// cluster benchmark. It loads the built package (dist/), as a user's app would, and obeys
// commands sent over the IPC channel. Started with WECHAT_WORKER_OPTIONS, it opens its app at
// once; without, it waits for `open`, and may open a new app after `closeApp` (loading Nest costs
// a process about a second of CPU, so the tests reuse processes).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { TokenService, WeChatApiClient, WeChatModule } from '../../dist/index.js';
import {
  describeError as describe,
  ipcLogger as logger,
  send,
  serveCommands,
} from '../support/ipc-worker.mjs';

let app;
let tokens;
let api;
let load;

async function open(options) {
  if (app) throw new Error('an app is open already');
  app = await NestFactory.createApplicationContext(WeChatModule.forRoot(options), { logger });
  tokens = app.get(TokenService);
  api = app.get(WeChatApiClient);
}

async function closeApp() {
  if (load) await commands.stopLoad();
  await app?.close();
  app = tokens = api = undefined;
}

const commands = {
  async open({ options }) {
    await open(options);
    return {};
  },
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
  /** `concurrency` callers call `path` one call after another until `stopLoad`. */
  async startLoad({ path, concurrency }) {
    if (load) throw new Error('a load runs already');
    const progress = { calls: 0, succeeded: 0, errors: [] };
    let running = true;
    const loop = async () => {
      while (running) {
        progress.calls += 1;
        try {
          await api.get(path);
          progress.succeeded += 1;
        } catch (error) {
          progress.errors.push(describe(error));
        }
      }
    };
    const done = Promise.all(Array.from({ length: concurrency }, loop));
    load = {
      progress,
      stop() {
        running = false;
        return done;
      },
    };
    return {};
  },
  async loadProgress() {
    return { ...load.progress };
  },
  /** Resolves once every call in flight has finished, with the totals. */
  async stopLoad() {
    const { progress, stop } = load;
    await stop();
    load = undefined;
    return progress;
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
  async closeApp() {
    await closeApp();
    return {};
  },
  async close() {
    await closeApp();
    setImmediate(() => process.exit(0));
    return {};
  },
};

serveCommands(commands);
if (process.env.WECHAT_WORKER_OPTIONS) await open(JSON.parse(process.env.WECHAT_WORKER_OPTIONS));
send({ type: 'ready', pid: process.pid });
