import { TestClock } from '../testing/test-clock.js';
import { MemoryCredentialStore } from './memory-credential-store.js';

describe('MemoryCredentialStore', () => {
  it('forgets expired credentials and counters as writes go on (pushes write one each)', async () => {
    const clock = new TestClock(1_000_000, { frozen: true });
    const store = new MemoryCredentialStore(clock);
    for (let i = 0; i < 1500; i++) {
      await store.set(`old${i}`, {
        value: 'v',
        fetchedAt: clock.now(),
        expiresAt: clock.now() + 10,
      });
      await store.increment(`count${i}`, 10);
    }
    await clock.advance(20);
    for (let i = 0; i < 1100; i++) {
      await store.set(`new${i}`, {
        value: 'v',
        fetchedAt: clock.now(),
        expiresAt: clock.now() + 60_000,
      });
    }
    const internals = store as unknown as {
      credentials: Map<string, unknown>;
      counters: Map<string, unknown>;
    };
    expect(internals.credentials.size).toBeLessThanOrEqual(1100);
    expect(internals.counters.size).toBe(0);
    expect(await store.get('new1099')).toMatchObject({ value: 'v' });
  });

  it('forgets leases that ran out unreleased (spent OAuth states) as writes go on', async () => {
    const clock = new TestClock(1_000_000, { frozen: true });
    const store = new MemoryCredentialStore(clock);
    for (let i = 0; i < 1500; i++) await store.acquireLock(`spent${i}`, 10);
    await clock.advance(20);
    for (let i = 0; i < 1100; i++) await store.acquireLock(`held${i}`, 60_000);
    const internals = store as unknown as { locks: Map<string, unknown> };
    expect(internals.locks.size).toBeLessThanOrEqual(1100);
    expect(await store.acquireLock('held1099', 60_000)).toBeUndefined();
  });
});
