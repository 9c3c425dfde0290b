import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from 'redis';
import { waitFor } from './wait-for.js';

// Redis servers of a test's own (a Redis Cluster, a Sentinel set), started from the machine's
// redis-server on spare loopback ports, each in a temp dir of its own, without persistence.

const HOST = '127.0.0.1';
// Generous: a loaded machine forms a cluster slowly; an idle one in about two seconds.
const SETUP_TIMEOUT_MS = 30_000;
const running = new Set<RedisProcess>();

// A Jest worker that dies mid-test must not leave its servers behind.
process.once('exit', () => {
  for (const redis of running) redis.kill();
});

/** One redis-server (or sentinel) process in a temp dir that `stop()` removes. */
export class RedisProcess {
  private child?: ChildProcess;
  /** What the process printed, for a failing test to show. */
  output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  get address(): string {
    return `${HOST}:${this.port}`;
  }

  /** Starts redis-server with `args` after the common ones; `sentinelConfig` makes a sentinel. */
  static async start(
    port: number,
    args: string[] = [],
    sentinelConfig?: string,
  ): Promise<RedisProcess> {
    const redis = new RedisProcess(port, mkdtempSync(join(tmpdir(), `redis-${port}-`)));
    running.add(redis);
    const common = ['--port', String(port), '--bind', HOST, '--dir', redis.dir];
    // A replica's first sync would otherwise wait 5 s for more replicas to join it.
    const server = ['--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0'];
    let argv = [...common, ...server, ...args];
    if (sentinelConfig !== undefined) {
      // Sentinel rewrites its configuration file, so it needs one of its own.
      const file = join(redis.dir, 'sentinel.conf');
      writeFileSync(file, sentinelConfig);
      argv = [file, '--sentinel', ...common];
    }
    const child = spawn('redis-server', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    redis.child = child;
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) =>
          reject(new Error(`redis-server exited (${code}): ${redis.output}`)),
        );
        const read = (chunk: Buffer) => {
          redis.output += chunk.toString();
          // A server says it is ready; a sentinel only that it monitors its master.
          if (/Ready to accept connections|\+monitor master/.test(redis.output)) resolve();
        };
        child.stdout!.on('data', read);
        child.stderr!.on('data', read);
      });
    } catch (error) {
      await redis.stop();
      throw error;
    }
    child.removeAllListeners('exit');
    await waitFor(`redis-server on ${port} to answer`, () =>
      redis.command('PING').then(
        () => true,
        () => false,
      ),
    );
    return redis;
  }

  /** A node-redis client to this process, connected; the caller closes it. */
  async admin(): Promise<ReturnType<typeof createClient>> {
    const client = createClient({ url: this.url, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  /** Runs one command on a short-lived connection. */
  async command<T = unknown>(...args: string[]): Promise<T> {
    const client = await this.admin();
    try {
      return (await client.sendCommand(args)) as T;
    } finally {
      if (client.isOpen) client.destroy();
    }
  }

  /** `master` or `slave`; undefined while it cannot be asked (a failover drops connections). */
  async role(): Promise<string | undefined> {
    return this.command<[string]>('ROLE').then(
      ([role]) => role,
      () => undefined,
    );
  }

  kill(): void {
    this.child?.kill('SIGKILL');
  }

  /** Kills the process, waits for its exit and removes its temp dir. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
    running.delete(this);
  }
}

/** A Redis Cluster of `masters` masters with `replicasPerMaster` replicas each. */
export class RedisClusterSet {
  private constructor(readonly nodes: RedisProcess[]) {}

  /** Node URLs, for the `redis.cluster` option. */
  get urls(): string[] {
    return this.nodes.map((node) => node.url);
  }

  static async start({ masters = 3, replicasPerMaster = 1 } = {}): Promise<RedisClusterSet> {
    const count = masters * (1 + replicasPerMaster);
    // A cluster node also listens on its port + 10000 (the cluster bus).
    const ports = await freePorts(count, 10_000);
    const cluster = new RedisClusterSet([]);
    try {
      const nodeArgs = ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'];
      cluster.nodes.push(
        ...(await Promise.all(
          ports.map((port) =>
            RedisProcess.start(port, [...nodeArgs, '--cluster-config-file', `nodes-${port}.conf`]),
          ),
        )),
      );
      await promisify(execFile)('redis-cli', [
        '--cluster',
        'create',
        ...cluster.nodes.map((node) => node.address),
        '--cluster-replicas',
        String(replicasPerMaster),
        '--cluster-yes',
      ]);
      await waitFor(
        'every cluster node to see the cluster ok, with its replicas in sync',
        () => cluster.settled(masters, count - masters),
        SETUP_TIMEOUT_MS,
      );
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** The node whose role is master for the slot of `key`, as the nodes still up see it. */
  async masterOf(key: string): Promise<RedisProcess> {
    const slot = await this.ask<number>('CLUSTER', 'KEYSLOT', key);
    const shards = await this.ask<[number, number, [string, number]][]>('CLUSTER', 'SLOTS');
    const [, , [, port]] = shards.find(([from, to]) => from <= slot && slot <= to)!;
    return this.nodes.find((node) => node.port === port)!;
  }

  /** Whether the nodes still up see the cluster ok. */
  async isOk(): Promise<boolean> {
    return (await this.ask<string>('CLUSTER', 'INFO')).includes('cluster_state:ok');
  }

  /** Runs a command on the first node that answers. */
  private async ask<T>(...args: string[]): Promise<T> {
    let failure: unknown;
    for (const node of this.nodes) {
      try {
        return await node.command<T>(...args);
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
  }

  private async settled(masters: number, replicas: number): Promise<boolean> {
    const infos = await Promise.all(
      this.nodes.map((node) => node.command<string>('CLUSTER', 'INFO').catch(() => '')),
    );
    if (!infos.every((info) => info.includes('cluster_state:ok'))) return false;
    const roles = await Promise.all(
      this.nodes.map((node) => node.command<string>('INFO', 'replication')),
    );
    return (
      roles.filter((role) => role.includes('role:master')).length === masters &&
      roles.filter((role) => role.includes('master_link_status:up')).length === replicas
    );
  }
}

/** A master, its replica, and three sentinels (quorum 2) watching it under `name`. */
export class RedisSentinelSet {
  /** Where each sentinel's output stood when a failover was last asked for. */
  private asked: number[] = [];

  private constructor(
    readonly name: string,
    readonly servers: RedisProcess[],
    readonly sentinels: RedisProcess[],
  ) {}

  /** Sentinel URLs, for the `redis.sentinel.sentinels` option. */
  get sentinelUrls(): string[] {
    return this.sentinels.map((sentinel) => sentinel.url);
  }

  static async start(name = 'mymaster'): Promise<RedisSentinelSet> {
    const [masterPort, replicaPort, ...sentinelPorts] = await freePorts(5);
    const set = new RedisSentinelSet(name, [], []);
    try {
      set.servers.push(await RedisProcess.start(masterPort));
      set.servers.push(
        await RedisProcess.start(replicaPort, ['--replicaof', HOST, String(masterPort)]),
      );
      const config = [
        `sentinel monitor ${name} ${HOST} ${masterPort} 2`,
        // The tests fail over on demand (SENTINEL FAILOVER). A master that misses pings for a
        // second is not down on a busy machine: a shorter wait made sentinels fail back at once.
        `sentinel down-after-milliseconds ${name} 5000`,
        // Long enough for a promotion on a busy machine; a failover takes a second or two.
        `sentinel failover-timeout ${name} 10000`,
        '',
      ].join('\n');
      for (const port of sentinelPorts) {
        set.sentinels.push(await RedisProcess.start(port, [], config));
      }
      // Sentinel's own periods made short, so that it finds the replica and the other sentinels
      // at once and demotes an old master within seconds, and the links that a promotion drops
      // come back at once, not after 15 s. Not shorter hellos: a sentinel that has not heard of
      // a failover turns the new master back into a replica after 4 hello periods.
      await Promise.all(
        set.sentinels.map((sentinel) =>
          sentinel.command(
            'SENTINEL',
            'DEBUG',
            'info-period',
            '100',
            'publish-period',
            '750',
            'min-link-reconnect-period',
            '100',
          ),
        ),
      );
      await waitFor(
        'the sentinels to know the replica and each other',
        () => set.settled(),
        SETUP_TIMEOUT_MS,
      );
      return set;
    } catch (error) {
      await set.stop();
      throw error;
    }
  }

  /** The server the sentinels name as master. */
  async master(): Promise<RedisProcess> {
    const [, port] = await this.sentinels[0].command<[string, string]>(
      'SENTINEL',
      'GET-MASTER-ADDR-BY-NAME',
      this.name,
    );
    return this.servers.find((server) => server.port === Number(port))!;
  }

  /**
   * Asks a sentinel to fail over, once every sentinel finds the replica fit to take over (one
   * just demoted is not, until it has synced); resolves with the replica, to be the new master.
   */
  async failover(): Promise<RedisProcess> {
    const old = await this.master();
    const replica = this.servers.find((server) => server !== old)!;
    await waitFor(
      'a sentinel to accept SENTINEL FAILOVER',
      async () => {
        if (!(await this.replicaFit(replica))) return false;
        this.asked = this.sentinels.map((sentinel) => sentinel.output.length);
        const reply = await this.sentinels[0]
          .command('SENTINEL', 'FAILOVER', this.name)
          .catch((error: Error) => error);
        if (reply instanceof Error && !/NOGOODSLAVE|INPROG/.test(reply.message)) throw reply;
        return reply === 'OK';
      },
      SETUP_TIMEOUT_MS,
    );
    return replica;
  }

  /** Whether the sentinels name `master`; asks again for a failover they gave up. */
  async names(master: RedisProcess): Promise<boolean> {
    if ((await this.master()) === master) return true;
    const aborted = this.sentinels.some((sentinel, i) =>
      sentinel.output.slice(this.asked[i]).includes('-failover-abort'),
    );
    if (aborted) await this.failover();
    return false;
  }

  /** What the sentinels logged of the master's fate (+switch-master, -failover-abort…). */
  events(): string {
    return this.sentinels
      .flatMap((sentinel) => sentinel.output.split('\n'))
      .filter((line) => / [#*] [+-][a-z]/.test(line))
      .join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.servers].map((node) => node.stop()));
  }

  private async replicaFit(replica: RedisProcess): Promise<boolean> {
    const views = await Promise.all(
      this.sentinels.map((sentinel) =>
        sentinel.command<string[][]>('SENTINEL', 'REPLICAS', this.name).catch(() => []),
      ),
    );
    return views.every((replicas) =>
      replicas.some(
        (fields) =>
          field(fields, 'port') === String(replica.port) &&
          field(fields, 'flags') === 'slave' &&
          field(fields, 'master-link-status') === 'ok' &&
          field(fields, 'master-link-down-time') === '0',
      ),
    );
  }

  private async settled(): Promise<boolean> {
    const masters = await Promise.all(
      this.sentinels.map((sentinel) =>
        sentinel.command<string[]>('SENTINEL', 'MASTER', this.name).catch(() => []),
      ),
    );
    const replicas = await Promise.all(
      this.sentinels.map((sentinel) =>
        sentinel.command<string[][]>('SENTINEL', 'REPLICAS', this.name).catch(() => []),
      ),
    );
    return (
      masters.every((fields) => field(fields, 'num-other-sentinels') === '2') &&
      replicas.every((list) => list.some((fields) => field(fields, 'master-link-status') === 'ok'))
    );
  }
}

function field(fields: string[], name: string): string | undefined {
  const at = fields.indexOf(name);
  return at === -1 ? undefined : fields[at + 1];
}

/** `count` free loopback ports, each with `port + offset` free too when `offset` is given. */
export async function freePorts(count: number, offset?: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (ports.includes(port) || (offset && ports.includes(port + offset))) continue;
    if (!(await isFree(port))) continue;
    if (offset && !(await isFree(port + offset))) continue;
    ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}
