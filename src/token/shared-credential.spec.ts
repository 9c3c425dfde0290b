import { describe, expect, it } from '@jest/globals';
import { type Logger } from '@nestjs/common';
import { systemClock } from '../clock/wechat-clock.js';
import { MemoryCredentialStore } from '../store/memory-credential-store.js';
import { type RefreshScheduler } from './refresh-scheduler.js';
import { type FetchedCredential, SharedCredential } from './shared-credential.js';

const KEY = 'wx-app:access_token';

function setUp(fetch: () => Promise<FetchedCredential>, leaseMs = 5000) {
  const store = new MemoryCredentialStore();
  const logged: string[] = [];
  const scheduled: string[] = [];
  const logger = { warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
  const scheduler = { schedule: (name: string) => scheduled.push(name) };
  const credential = new SharedCredential(
    { label: 'access_token', storeKey: KEY, upstream: '/cgi-bin/token', fetch },
    store,
    scheduler as unknown as RefreshScheduler,
    { refreshAheadMs: 60_000, failureCooldownMs: 0, leaseMs, retryDelayMs: 1000 },
    logger as unknown as Logger,
    systemClock,
  );
  return { credential, store, logged, scheduled };
}

function deferred() {
  let resolve!: (value: FetchedCredential) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<FetchedCredential>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('SharedCredential.close (shutdown)', () => {
  it('waits for the fetch in flight, which stores its credential, and schedules nothing more', async () => {
    const answer = deferred();
    const { credential, store, scheduled } = setUp(() => answer.promise);
    const token = credential.get();
    await tick();

    let closed = false;
    const closing = credential.close(60_000).then(() => (closed = true));
    await tick();
    expect(closed).toBe(false);
    answer.resolve({ value: 'fetched-while-closing', expiresInSeconds: 7200 });
    await closing;

    await expect(token).resolves.toBe('fetched-while-closing');
    expect(await store.get(KEY)).toMatchObject({ value: 'fetched-while-closing' });
    expect(scheduled).toEqual([]);
  });

  it.each([
    ['the shutdown grace', 5000, 50],
    ['the lease', 50, 60_000],
  ])(
    'gives up on a fetch that outlasts %s, and logs nothing of it',
    async (_, leaseMs, graceMs) => {
      const answer = deferred();
      const { credential, logged } = setUp(() => answer.promise, leaseMs);
      const token = credential.get();
      await tick();

      const startedAt = Date.now();
      await credential.close(graceMs);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(40);
      answer.reject(new Error('socket hang up'));

      await expect(token).rejects.toThrow('socket hang up');
      expect(logged).toEqual([]);
    },
  );
});
