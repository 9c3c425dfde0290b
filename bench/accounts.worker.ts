// One bench process holding N accounts in one form (see accounts-process.ts, which forks it with
// --expose-gc and the config in ACCOUNTS_BENCH_CONFIG). It reports its heap growth once the app
// is up, then answers commands over IPC until told to close.
import { AccountsApp, type AccountsAppConfig, accountsRootModule } from './accounts-app.js';
import { callSpread } from './accounts-spread-calls.js';
import { countTimersFromNow, refTimeouts } from './accounts-timers.js';

const config = JSON.parse(process.env.ACCOUNTS_BENCH_CONFIG!) as AccountsAppConfig;
const send = (message: object) => process.send!(message);

function heapUsed(): number {
  globalThis.gc!();
  globalThis.gc!();
  return process.memoryUsage().heapUsed;
}

const timersAlive = countTimersFromNow();
const root = accountsRootModule(config);
const heapBefore = heapUsed();
const started = performance.now();
const app = await AccountsApp.start(root);
const startMs = performance.now() - started;
send({ type: 'started', heapBytes: heapUsed() - heapBefore, startMs });

const commands: Record<string, (args: Record<string, number>) => Promise<object>> = {
  async footprint() {
    const schedulers = app.schedulers();
    return {
      schedulerTimers: schedulers.reduce((sum, s) => sum + s.activeTimers, 0),
      pendingTasks: schedulers.reduce((sum, s) => sum + s.names().length, 0),
      nodeTimers: timersAlive(),
      refTimeouts: refTimeouts(),
    };
  },
  async spread({ lifetimeMs, durationMs }) {
    const accounts = app.accounts();
    const calls = await callSpread(accounts, lifetimeMs, durationMs);
    const fetches = accounts.reduce((sum, a) => sum + a.tokens.status().fetches, 0);
    return { ...calls, fetches };
  },
  async close() {
    await app.close();
    return {};
  },
};

process.on('message', (message: { id: number; command: string; args: Record<string, number> }) => {
  commands[message.command](message.args).then(
    (result) => send({ type: 'reply', id: message.id, ok: true, result }),
    (error: Error) => send({ type: 'reply', id: message.id, ok: false, error: error.message }),
  );
});
