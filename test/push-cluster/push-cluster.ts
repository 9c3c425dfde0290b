import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { type WeChatModuleOptions } from '../../src/index.js';

// Resolved from the package root, where npm runs the tests.
const WORKER = resolve(process.cwd(), 'test/push-cluster/push-worker.mjs');
const CLOSE_TIMEOUT_MS = 5000;
// Nest's lines about loading modules and mapping routes, the same in every worker.
const STARTUP_CONTEXT = / log (NestFactory|InstanceLoader|RoutesResolver|RouterExplorer): /;

export interface PushWorkerLog {
  level: string;
  message: string;
  context: string[];
  /** When the test process got it (epoch ms). */
  at: number;
}

/** Per content: how many times the handler started and finished in one worker. */
export interface HandlerRuns {
  started: Record<string, number>;
  finished: Record<string, number>;
}

type Reply = Record<string, unknown>;

/** An app instance receiving pushes, in a Node process of its own (see push-worker.mjs). */
export class PushWorker {
  readonly logs: PushWorkerLog[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
    readonly port: number,
    /** The worker's number in its cluster, for the logs. */
    readonly index: number,
  ) {
    child.on('message', (message: Reply) => {
      if (message.type === 'log') {
        this.logs.push({ ...(message as unknown as PushWorkerLog), at: Date.now() });
      }
      if (message.type === 'reply') this.settle(message.id as number, message);
    });
    this.exited = new Promise((resolve) => {
      if (!this.running) resolve();
      child.once('exit', () => resolve());
    });
    child.once('exit', (code, signal) => {
      for (const id of [...this.pending.keys()]) {
        this.settle(id, { ok: false, error: `worker exited (${signal ?? code})` });
      }
    });
  }

  /** Starts a process whose app listens on a port of its own; resolves once it listens. */
  static start(options: WeChatModuleOptions, index = 0): Promise<PushWorker> {
    const child = fork(WORKER, [], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        WECHAT_PUSH_WORKER_OPTIONS: JSON.stringify(options),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const early: Reply[] = [];
    return new Promise((resolve, reject) => {
      const collect = (message: Reply) => {
        if (message.type !== 'ready') {
          early.push(message);
          return;
        }
        child.off('message', collect);
        child.removeAllListeners('exit');
        const worker = new PushWorker(child, message.pid as number, message.port as number, index);
        for (const log of early.filter((m) => m.type === 'log')) {
          worker.logs.push({ ...(log as unknown as PushWorkerLog), at: Date.now() });
        }
        resolve(worker);
      };
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        const logs = early.map((m) => `${String(m.level)}: ${String(m.message)}`).join('\n');
        reject(new Error(`push worker exited (${signal ?? code}) before it listened\n${logs}`));
      });
      child.on('message', collect);
    });
  }

  /** The push endpoint of this instance. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/wechat/push`;
  }

  /** Neither killed nor exited. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How many times the handler started and finished here, per content. */
  runs(): Promise<HandlerRuns> {
    return this.request<HandlerRuns>('runs');
  }

  /** `kill -9`: the process dies at once, in the middle of whatever it does. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Closes the app (or kills a worker that does not close in time) and waits for the exit. */
  async stop(): Promise<void> {
    if (!this.running) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    await this.request('close').catch(() => this.child.kill('SIGKILL'));
    await this.exited;
    clearTimeout(timer);
  }

  /** The log as lines: `[worker 1 pid 1234] +812ms warn WeChat:push: …`, stamped from `since`. */
  logLines(since: number): { at: number; line: string }[] {
    return this.logs.map((log) => ({
      at: log.at,
      line:
        `[worker ${this.index} pid ${this.pid}] +${log.at - since}ms ${log.level} ` +
        `${log.context.join(' ')}: ${log.message}`,
    }));
  }

  private request<T = Reply>(command: string, args: object = {}): Promise<T> {
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

  private settle(id: number, reply: Reply): void {
    this.pending.get(id)?.(reply);
    this.pending.delete(id);
  }
}

/** A cluster of `count` push workers on the same options (the same Redis and key prefix). */
export class PushCluster {
  private constructor(
    readonly workers: PushWorker[],
    /** When the cluster started (epoch ms): log lines are stamped from it. */
    readonly startedAt: number,
  ) {}

  static async start(count: number, options: WeChatModuleOptions): Promise<PushCluster> {
    const startedAt = Date.now();
    const starting = Array.from({ length: count }, (_, index) => PushWorker.start(options, index));
    const results = await Promise.allSettled(starting);
    const workers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((worker) => worker.stop()));
      throw failed.reason;
    }
    return new PushCluster(workers, startedAt);
  }

  /** Every worker's push endpoint, in order. */
  get urls(): string[] {
    return this.workers.map((worker) => worker.url);
  }

  /** The workers still running. */
  get running(): PushWorker[] {
    return this.workers.filter((worker) => worker.running);
  }

  /** Each running worker's runs, in the order of `running`. */
  runs(): Promise<HandlerRuns[]> {
    return Promise.all(this.running.map((worker) => worker.runs()));
  }

  /** Handler starts and finishes of `content` summed over the running workers. */
  async totals(content: string): Promise<{ started: number; finished: number }> {
    const runs = await this.runs();
    return {
      started: runs.reduce((sum, r) => sum + (r.started[content] ?? 0), 0),
      finished: runs.reduce((sum, r) => sum + (r.finished[content] ?? 0), 0),
    };
  }

  /** Stops every worker, killing those that do not close in time. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }

  /** Every worker's log but Nest's start-up lines, merged in the order the lines arrived. */
  logText(): string {
    return this.workers
      .flatMap((worker) => worker.logLines(this.startedAt))
      .filter(({ line }) => !STARTUP_CONTEXT.test(line))
      .sort((a, b) => a.at - b.at)
      .map(({ line }) => line)
      .join('\n');
  }
}
