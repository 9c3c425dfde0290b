// One instance of a clustered app with several accounts, run as its own Node process by
// cluster-accounts.e2e-spec.ts (through cluster-accounts-workers.ts). It loads the built package
// (dist/), as a user's app would, and obeys commands sent over the IPC channel. It waits for
// `open`, and may open a new app after `closeApp` (loading Nest costs a process about a second of
// CPU, so the tests reuse processes).
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { NestFactory } from '@nestjs/core';
import { WeChatAccountNotFoundError, WeChatAccounts, WeChatModule } from '../../dist/index.js';
import { RefreshScheduler } from '../../dist/token/refresh-scheduler.js';
import {
  describeError as describe,
  ipcLogger as logger,
  send,
  serveCommands,
} from '../support/ipc-worker.mjs';

// Errors kept per account: enough to tell what went wrong, bounded if everything does.
const MAX_ERRORS = 20;

let app;
let accounts;
let scheduler;
let load;

/**
 * What the callers of one account went through: the calls, the errors, and each token they were
 * given (in the order first seen) with the times this process held it under.
 */
function newUse() {
  return { calls: 0, succeeded: 0, errors: [], errorCount: 0, gone: false, tokens: new Map() };
}

function fail(use, error) {
  use.errorCount += 1;
  if (use.errors.length < MAX_ERRORS) use.errors.push(describe(error));
}

// A caller of the app: looks the account up as app code does (so a removed one is gone), takes
// its token, and calls an API with it, over and over.
async function useAccount(name, use, { path, pauseMs }) {
  while (load?.running) {
    let account;
    try {
      account = await accounts.get(name);
    } catch (error) {
      if (error instanceof WeChatAccountNotFoundError) {
        use.gone = true;
        return;
      }
      fail(use, error);
      await sleep(pauseMs);
      continue;
    }
    use.calls += 1;
    try {
      const token = await account.tokens.getAccessToken();
      if (!use.tokens.has(token)) {
        const { fetchedAt, refreshAt } = account.tokens.status();
        use.tokens.set(token, { fetchedAt: fetchedAt?.getTime(), refreshAt: refreshAt?.getTime() });
      }
      await account.api.get(path);
      use.succeeded += 1;
    } catch (error) {
      fail(use, error);
    }
    await sleep(pauseMs);
  }
}

function report(uses) {
  return Object.fromEntries(
    [...uses].map(([name, { tokens, ...counts }]) => [
      name,
      { ...counts, tokens: [...tokens].map(([token, times]) => ({ token, ...times })) },
    ]),
  );
}

async function closeApp() {
  if (load) await commands.stopLoad();
  await app?.close();
  app = accounts = scheduler = undefined;
}

const commands = {
  async open({ options }) {
    if (app) throw new Error('an app is open already');
    app = await NestFactory.createApplicationContext(WeChatModule.forRoot(options), { logger });
    accounts = app.get(WeChatAccounts);
    scheduler = app.get(RefreshScheduler);
    return {};
  },
  /** One caller per account in `names`, each calling `path` every `pauseMs`, until `stopLoad`. */
  async startLoad({ names, path, pauseMs }) {
    if (load) throw new Error('a load runs already');
    const uses = new Map(names.map((name) => [name, newUse()]));
    load = { running: true, uses };
    load.done = Promise.all(
      names.map((name) => useAccount(name, uses.get(name), { path, pauseMs })),
    );
    return {};
  },
  async loadProgress() {
    return { uses: report(load.uses) };
  },
  /** Resolves once every call in flight has finished, with what the callers went through. */
  async stopLoad() {
    const { uses, done } = load;
    load.running = false;
    await done;
    load = undefined;
    return { uses: report(uses) };
  },
  async remove({ name }) {
    return { removed: await accounts.remove(name) };
  },
  /** Whether this process holds the account (and its token's refresh point), and its tasks. */
  async holding({ appId }) {
    const account = accounts.find(appId);
    const refreshAt = account?.tokens.status().refreshAt?.getTime();
    return { found: account !== undefined, refreshAt, tasks: scheduler.names() };
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
// The test runner is gone (killed, or crashed past its afterAll): so is this instance.
process.on('disconnect', () => process.exit(1));
send({ type: 'ready', pid: process.pid });
