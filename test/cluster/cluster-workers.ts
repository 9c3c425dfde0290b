import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { type WeChatModuleOptions } from '../../src/index.js';

// Resolved from the package root (where npm runs tests and benchmarks), so that compiled copies
// of this file (the benchmark's) find the worker too.
const TOKEN_WORKER = resolve(process.cwd(), 'test/cluster/token-worker.mjs');
const CLOSE_TIMEOUT_MS = 5000;

export interface WorkerLog {
  level: string;
  message: string;
}

type Reply = Record<string, unknown>;

/** A clustered app instance in a process of its own (see token-worker.mjs, accounts-worker.mjs). */
export class ClusterWorker {
  readonly logs: WorkerLog[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, (reply: Reply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
  ) {
    child.on('message', (message: Reply) => {
      if (message.type === 'log') this.logs.push(message as unknown as WorkerLog);
      if (message.type === 'reply') this.settle(message.id as number, message);
    });
    child.once('exit', (code, signal) => {
      for (const id of [...this.pending.keys()]) {
        this.settle(id, { ok: false, error: `worker exited (${signal ?? code})` });
      }
    });
  }

  /**
   * Starts a process running `worker` (default token-worker.mjs); with `options` it opens its app
   * at once, else it waits for `open`.
   */
  static start(options?: WeChatModuleOptions, worker = TOKEN_WORKER): Promise<ClusterWorker> {
    const child = fork(worker, [], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        WECHAT_WORKER_OPTIONS: options && JSON.stringify(options),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new Error(`worker exited with ${code} before it was ready`)),
      );
      child.on('message', (message: { type: string; pid: number }) => {
        if (message.type === 'ready') resolve(new ClusterWorker(child, message.pid));
      });
    });
  }

  /** Neither killed nor exited. */
  get alive(): boolean {
    return !this.child.killed && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a command (see token-worker.mjs) and resolves to its reply. */
  request<T = Reply>(command: string, args: object = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) =>
        reply.ok ? resolve(reply as T) : reject(new Error(String(reply.error))),
      );
      this.child.send({ id, command, args }, (error) => {
        if (error) this.settle(id, { ok: false, error: error.message });
      });
    });
  }

  /** Opens a new app in this process, with a fresh log. */
  async open(options: WeChatModuleOptions): Promise<void> {
    this.logs.length = 0;
    await this.request('open', { options });
  }

  /** Closes the app and keeps the process for another; kills a process whose app will not close. */
  async closeApp(): Promise<void> {
    if (!this.alive) return;
    const timer = setTimeout(() => this.kill(), CLOSE_TIMEOUT_MS);
    await this.request('closeApp').catch(() => this.kill());
    clearTimeout(timer);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Closes the app (or kills a worker that does not answer) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    const closeOrKill = this.request('close').catch(() => this.kill());
    const timer = setTimeout(() => this.kill(), CLOSE_TIMEOUT_MS);
    await closeOrKill;
    await exited;
    clearTimeout(timer);
  }

  logLines(pattern: RegExp): WorkerLog[] {
    return this.logs.filter((log) => pattern.test(log.message));
  }

  private settle(id: number, reply: Reply): void {
    this.pending.get(id)?.(reply);
    this.pending.delete(id);
  }
}

export function startWorkers(
  count: number,
  options: WeChatModuleOptions,
): Promise<ClusterWorker[]> {
  return Promise.all(Array.from({ length: count }, () => ClusterWorker.start(options)));
}
