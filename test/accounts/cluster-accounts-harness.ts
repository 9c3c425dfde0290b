import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { createClient } from 'redis';
import { accountKey, type WeChatModuleOptions } from '../../src/index.js';
import { WeChatEmulator, WeChatEmulators } from '../../src/testing/index.js';
import { REDIS_URL, uniquePrefix } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';
import {
  type AccountUse,
  type AccountUses,
  type AccountsWorker,
  startAccountsWorker,
  type SeenToken,
} from './cluster-accounts-workers.js';

export const TOKEN = '/cgi-bin/token';
const PROTECTED = '/cgi-bin/get_api_domain_ip';
export const PROCESSES = 4;
// Across processes the time is real: tokens live 2 s and are refreshed 1 s ahead of expiry (the
// least the library takes), so each account's token serves the cluster for 1 s, then the next.
export const TOKEN_TTL_SECONDS = 2;
export const REFRESH_AHEAD_SECONDS = 1;
// Each request to WeChat may take this long: longer than any answer on a loaded machine.
export const HTTP_TIMEOUT_MS = 2000;
// Between one caller's calls: a steady load that leaves the 2 CPUs to the processes under test.
const PAUSE_MS = 50;
// Longer than any step takes on a loaded machine, shorter than Jest's 30 s.
export const STEP_TIMEOUT_MS = 15_000;

export const ACCOUNTS = [
  { name: 'shop', appId: 'wx1111aaaa2222bbbb', appSecret: 'shop-secret-0123456789abcdef' },
  { name: 'brand', appId: 'wx3333cccc4444dddd', appSecret: 'brand-secret-0123456789abcdef' },
  { name: 'news', appId: 'wx5555eeee6666ffff', appSecret: 'news-secret-0123456789abcdef' },
];
export const NAMES = ACCOUNTS.map((account) => account.name);

/** What the cluster went through with one account: WeChat's count, and each worker's callers'. */
export interface AccountView {
  fetches: number;
  uses: AccountUse[];
}

/** Whether a worker holds an account, and the names of the tasks its scheduler has pending. */
export interface Holding {
  found: boolean;
  /** When the account's token held there is due for a refresh (epoch ms), if it holds one. */
  refreshAt?: number;
  tasks: string[];
}

/**
 * Separate Node processes on one Redis, each an app with the same three accounts, and one
 * emulator per account behind one host, as WeChat is one host for every account. Each test
 * starts emulators and apps of its own (`start`); the processes are shared by the tests of a
 * file (loading Nest costs each about a second of CPU), and everything is stopped after them.
 */
export class AccountsCluster {
  workers: AccountsWorker[] = [];
  emulators: Record<string, WeChatEmulator> = {};
  keyPrefix = '';
  readonly redis: ReturnType<typeof createClient> = createClient({ url: REDIS_URL });
  private processes: Promise<AccountsWorker>[] = [];
  private router?: WeChatEmulators;

  /** Registers the hooks of a spec file that uses a cluster, and returns it. */
  static forTests(): AccountsCluster {
    const cluster = new AccountsCluster();
    beforeAll(() => cluster.launch());
    afterEach(() => cluster.closeApps());
    afterAll(() => cluster.stop());
    return cluster;
  }

  /**
   * Three emulators behind one router, apps in every process, and callers of every account.
   * `tokenTtlSeconds` gives accounts (by name) a token lifetime other than `TOKEN_TTL_SECONDS`.
   */
  async start(tokenTtlSeconds: Record<string, number> = {}): Promise<void> {
    const started = await Promise.all(
      ACCOUNTS.map(({ name, appId, appSecret }) =>
        WeChatEmulator.start({
          appId,
          appSecret,
          tokenTtlSeconds: tokenTtlSeconds[name] ?? TOKEN_TTL_SECONDS,
        }),
      ),
    );
    this.emulators = Object.fromEntries(ACCOUNTS.map(({ name }, i) => [name, started[i]]));
    this.router = await WeChatEmulators.front(started);
    this.keyPrefix = uniquePrefix();
    const options: WeChatModuleOptions = {
      accounts: ACCOUNTS,
      apiBaseUrl: this.router.url,
      retry: { attempts: 2, baseDelayMs: 5 },
      httpTimeoutMs: HTTP_TIMEOUT_MS,
      token: { refreshAheadSeconds: REFRESH_AHEAD_SECONDS },
      redis: { url: REDIS_URL, keyPrefix: this.keyPrefix },
    };
    // A process that would not close its last app was killed: another takes its place.
    this.processes = this.processes.map(async (p) => ((await p).alive ? p : startAccountsWorker()));
    this.workers = await Promise.all(this.processes);
    await Promise.all(this.workers.map((worker) => worker.open(options)));
    await Promise.all(
      this.workers.map((worker) =>
        worker.request('startLoad', { names: NAMES, path: PROTECTED, pauseMs: PAUSE_MS }),
      ),
    );
  }

  /** Upstream token fetches of the account so far. */
  fetches(name: string): number {
    return this.emulators[name].callCount(TOKEN);
  }

  /** What each worker's callers went through so far. */
  async progress(): Promise<AccountUses[]> {
    const replies = await Promise.all(
      this.workers.map((worker) => worker.request<{ uses: AccountUses }>('loadProgress')),
    );
    return replies.map((reply) => reply.uses);
  }

  /** Stops every caller, once its call in flight has finished; what each worker's went through. */
  async stopLoad(): Promise<AccountUses[]> {
    const replies = await Promise.all(
      this.workers.map((worker) => worker.request<{ uses: AccountUses }>('stopLoad')),
    );
    return replies.map((reply) => reply.uses);
  }

  holdings(appId: string): Promise<Holding[]> {
    return Promise.all(this.workers.map((worker) => worker.request<Holding>('holding', { appId })));
  }

  /** The Redis key of an account's credential (or of another of its records). */
  storeKey(appId: string, name = 'access_token'): string {
    return `${this.keyPrefix}${accountKey(appId, name)}`;
  }

  /** Waits until each account has been fetched at least as often as `counts` says. */
  async waitForFetches(counts: Record<string, number>): Promise<void> {
    const wanted = Object.entries(counts);
    await waitFor(
      `token fetches to reach ${JSON.stringify(counts)}`,
      () => wanted.every(([name, count]) => this.fetches(name) >= count),
      STEP_TIMEOUT_MS,
    );
  }

  /**
   * Waits until WeChat's count of fetches holds still while every worker's callers have been
   * given every token fetched, and no other: each fetch led to a token the whole cluster adopted.
   * A fetch nobody adopted, or a token one worker never saw, never settles.
   */
  async settledView(names: string[]): Promise<Record<string, AccountView>> {
    let view: Record<string, AccountView> = {};
    await waitFor(
      'every fetched token to reach every worker',
      async () => {
        const before = names.map((name) => this.fetches(name));
        const uses = await this.progress();
        const after = names.map((name) => this.fetches(name));
        view = Object.fromEntries(
          names.map((name, i) => [name, { fetches: after[i], uses: uses.map((u) => u[name]) }]),
        );
        return names.every((name, i) => before[i] === after[i] && allAdopted(view[name]));
      },
      STEP_TIMEOUT_MS,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${describeView(view)}`);
    });
    return view;
  }

  private async launch(): Promise<void> {
    this.processes = Array.from({ length: PROCESSES }, () => startAccountsWorker());
    await Promise.all([this.redis.connect(), ...this.processes]);
  }

  private async closeApps(): Promise<void> {
    await Promise.allSettled(this.workers.map((worker) => worker.closeApp()));
    this.workers = [];
    await this.router?.close();
    this.router = undefined;
    await Promise.allSettled(Object.values(this.emulators).map((emulator) => emulator.close()));
    this.emulators = {};
    if (!this.redis.isReady || !this.keyPrefix) return;
    for await (const keys of this.redis.scanIterator({ MATCH: `${this.keyPrefix}*` })) {
      if (keys.length > 0) await this.redis.del(keys);
    }
  }

  private async stop(): Promise<void> {
    const started = await Promise.allSettled(this.processes);
    await Promise.allSettled(
      started.map((p) => (p.status === 'fulfilled' ? p.value.stop() : undefined)),
    );
    if (this.redis.isOpen) await this.redis.close();
  }
}

function allAdopted(account: AccountView): boolean {
  const sets = account.uses.map((use) => new Set(use.tokens.map((seen) => seen.token)));
  const all = new Set(sets.flatMap((set) => [...set]));
  return all.size === account.fetches && sets.every((set) => set.size === all.size);
}

/** For a failure message: per account, WeChat's count and the token tails each worker saw. */
function describeView(view: Record<string, AccountView>): string {
  const tail = (seen: SeenToken) => `…${seen.token.slice(-6)}@${seen.fetchedAt}`;
  return Object.entries(view)
    .map(([name, { fetches, uses }]) =>
      [
        `${name}: ${fetches} fetches`,
        ...uses.map((use, i) => `  worker ${i}: ${use.tokens.map(tail).join(' ')}`),
      ].join('\n'),
    )
    .join('\n');
}
