import { describe, expect, it } from '@jest/globals';
import { type Logger } from '@nestjs/common';
import { systemClock } from '../clock/wechat-clock.js';
import { MemoryCredentialStore } from '../store/memory-credential-store.js';
import { type RefreshScheduler } from './refresh-scheduler.js';
import { type FetchedCredential, SharedCredential } from './shared-credential.js';

const KEY = 'wx-app:access_token';

/** A credential whose one fetch is answered by the test; `asked` resolves once it is made. */
function setUp(leaseMs = 5000) {
  const store = new MemoryCredentialStore();
  const logged: string[] = [];
  const scheduled: string[] = [];
  const logger = { warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
  const scheduler = { schedule: (name: string) => scheduled.push(name) };
  const asked = deferred<void>();
  const answer = deferred<FetchedCredential>();
  const fetch = () => {
    asked.resolve();
    return answer.promise;
  };
  const credential = new SharedCredential(
    {
      label: 'access_token',
      storeKey: KEY,
      timerName: `${KEY}:refresh`,
      upstream: '/cgi-bin/token',
      fetch,
    },
    store,
    scheduler as unknown as RefreshScheduler,
    { refreshAheadMs: 60_000, failureCooldownMs: 0, leaseMs, retryDelayMs: 1000 },
    logger as unknown as Logger,
    systemClock,
  );
  return { credential, store, logged, scheduled, asked: asked.promise, answer };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// A turn of the event loop, its due timers then its immediates: whatever could settle without the
// fetch's answer has settled.
const settle = () => new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));

describe('SharedCredential.close (shutdown)', () => {
  it('waits for the fetch in flight, which stores its credential, and schedules nothing more', async () => {
    const { credential, store, scheduled, asked, answer } = setUp();
    const token = credential.get();
    await asked;

    let closed = false;
    const closing = credential.close(60_000).then(() => (closed = true));
    await settle();
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
      const { credential, logged, asked, answer } = setUp(leaseMs);
      const token = credential.get();
      await asked;

      // Real time: the grace is how long the network may take.
      const startedAt = Date.now();
      await credential.close(graceMs);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(40);
      answer.reject(new Error('socket hang up'));

      await expect(token).rejects.toThrow('socket hang up');
      expect(logged).toEqual([]);
    },
  );
});

describe('SharedCredential.invalidate', () => {
  // A Redis failover can promote a replica that never had the delete: the refused token is back.
  it('never takes a token WeChat refused from the store again, even if the store brings it back', async () => {
    const { credential, store } = setUp();
    const now = Date.now();
    const refused = { value: 'refused-token', fetchedAt: now, expiresAt: now + 7_200_000 };
    await store.set(KEY, refused);
    await expect(credential.get()).resolves.toBe('refused-token');

    await credential.invalidate('refused-token');
    await store.set(KEY, refused);
    expect(await store.get(KEY)).toMatchObject({ value: 'refused-token' });

    const next = credential.get();
    await expect(Promise.race([next, settle().then(() => 'fetching')])).resolves.toBe('fetching');
    expect(await store.get(KEY)).toBeUndefined();
  });
});
