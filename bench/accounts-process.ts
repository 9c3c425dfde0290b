import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type AccountsAppConfig } from './accounts-app.js';

const WORKER = fileURLToPath(new URL('./accounts.worker.js', import.meta.url));
const STOP_TIMEOUT_MS = 15_000;

/** What a worker reports once its app is up. */
export interface StartedWorker {
  /** Heap held after the app started, less the heap before (both after a full GC). */
  heapBytes: number;
  startMs: number;
}

interface Reply {
  type: 'reply';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** A process of its own (accounts.worker.ts) holding the accounts of `config`. */
export class AccountsProcess {
  private nextId = 0;
  private readonly pending = new Map<number, (reply: Reply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly started: StartedWorker,
    /** When the worker said its app was up (epoch ms). */
    readonly startedAt: number,
  ) {
    child.on('message', (message: Reply) => {
      if (message.type !== 'reply') return;
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
    child.once('exit', (code, signal) => {
      for (const settle of this.pending.values()) {
        settle({ type: 'reply', id: -1, ok: false, error: `worker exited (${signal ?? code})` });
      }
      this.pending.clear();
    });
  }

  static start(config: AccountsAppConfig): Promise<AccountsProcess> {
    const child = fork(WORKER, [], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, ACCOUNTS_BENCH_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`accounts worker exited with ${code}`)));
      child.once('message', (message: StartedWorker & { type: string }) => {
        resolve(new AccountsProcess(child, message, Date.now()));
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  request<T>(command: string, args: object = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) =>
        reply.ok ? resolve(reply.result as T) : reject(new Error(reply.error)),
      );
      this.child.send({ id, command, args });
    });
  }

  /** Closes the app, then lets the process end (killed if it does not within 15 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    const kill = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.request('close').catch(() => this.child.kill('SIGKILL'));
    if (this.child.connected) this.child.disconnect();
    await exited;
    clearTimeout(kill);
  }
}
