import { type StoredCredential } from '../../store/credential-store.interface.js';
import { type StoresUnderTest } from './credential-store-harness.js';
import { pause, RuleAssertions } from './rule-assertions.js';

/** One rule the library relies on, and a check that throws `CredentialStoreRuleBroken` if not. */
export interface CredentialStoreRule {
  rule: string;
  check(stores: StoresUnderTest): Promise<void>;
}

// Long enough never to run out during a check; the short ones are what a check waits out.
const LONG_MS = 60_000;
const SHORT_MS = 30;
const CONCURRENT_TAKERS = 10;

const credential = (value: string, fetchedAt: number): StoredCredential => ({
  value,
  fetchedAt,
  expiresAt: fetchedAt + LONG_MS,
});

const rule = (
  name: string,
  check: (stores: StoresUnderTest, a: RuleAssertions) => Promise<void>,
): CredentialStoreRule => ({
  rule: name,
  check: (stores) => check(stores, new RuleAssertions(name)),
});

/** The rules a `CredentialStore` must keep for the token refresh and the OAuth state to work. */
export function credentialStoreRules(): CredentialStoreRule[] {
  return [
    rule('get answers undefined for an unknown key, else the credential as set', async (s, a) => {
      a.equal(await s.store.get('token'), undefined, 'get of a key never set');
      const stored = credential('v1', Date.now());
      await s.store.set('token', stored);
      a.equal(await s.peer.get('token'), stored, 'get after set');
      // A ticket WeChat would not renew yet carries the moment to ask again: it must survive.
      const unrenewed = { ...credential('v2', Date.now() + 1), renewableAt: Date.now() + LONG_MS };
      await s.store.set('token', unrenewed);
      a.equal(
        await s.peer.get('token'),
        unrenewed,
        'get after set of a credential with renewableAt',
      );
    }),

    rule(
      'newer wins: set keeps the credential fetched later, in either order, ties to the greater value',
      async (s, a) => {
        const now = Date.now();
        await s.store.set('token', credential('newer', now));
        await s.peer.set('token', credential('older', now - 1000));
        a.equal((await s.store.get('token'))?.value, 'newer', 'after an older set');
        await s.peer.set('token', credential('newest', now + 1));
        a.equal((await s.store.get('token'))?.value, 'newest', 'after a newer set');
        // Instances that fetched during an outage can tie to the millisecond: the greater value
        // wins (isNewerCredential), so that every store and instance settle on the same one.
        await s.peer.set('token', credential('a-tie', now + 1));
        a.equal((await s.store.get('token'))?.value, 'newest', 'after a tie with a smaller value');
        await s.peer.set('token', credential('z-tie', now + 1));
        a.equal((await s.store.get('token'))?.value, 'z-tie', 'after a tie with a greater value');
      },
    ),

    rule('compare-and-expire: deleteIfValue deletes only the value it names', async (s, a) => {
      a.equal(await s.store.deleteIfValue('token', 'v1'), false, 'deleteIfValue of a missing key');
      await s.store.set('token', credential('current', Date.now()));
      a.equal(
        await s.peer.deleteIfValue('token', 'stale'),
        false,
        'deleteIfValue of another value',
      );
      a.equal((await s.store.get('token'))?.value, 'current', 'get after deleting another value');
      a.equal(await s.peer.deleteIfValue('token', 'current'), true, 'deleteIfValue of the value');
      a.equal(await s.store.get('token'), undefined, 'get after deleting the value');
    }),

    rule('lease lock: one holder at a time, released only with its lease', async (s, a) => {
      const lease = a.defined(
        await s.store.acquireLock('lock', LONG_MS),
        'acquireLock of a free lock',
      );
      a.equal(await s.store.acquireLock('lock', LONG_MS), undefined, 'acquireLock while held');
      a.equal(await s.peer.acquireLock('lock', LONG_MS), undefined, 'acquireLock by a peer');
      a.defined(await s.peer.acquireLock('other-lock', LONG_MS), 'acquireLock of another lock');
      await s.peer.releaseLock('lock', 'not-the-lease');
      a.equal(await s.peer.acquireLock('lock', LONG_MS), undefined, 'after a wrong lease release');
      await s.store.releaseLock('lock', lease);
      a.defined(await s.peer.acquireLock('lock', LONG_MS), 'acquireLock after release');
    }),

    rule(
      'lease lock: an unreleased lease runs out, and its late release frees nothing',
      async (s, a) => {
        const lapsed = a.defined(
          await s.store.acquireLock('lock', SHORT_MS),
          'acquireLock of a free lock',
        );
        let next: string | undefined;
        await a.eventually(async () => {
          next = await s.peer.acquireLock('lock', LONG_MS);
          return next !== undefined;
        }, `acquireLock after a ${SHORT_MS} ms lease ran out`);
        if (next === lapsed) a.fail('the new holder got the lapsed lease id');
        await s.store.releaseLock('lock', lapsed);
        a.equal(
          await s.store.acquireLock('lock', LONG_MS),
          undefined,
          'after a lapsed lease release',
        );
      },
    ),

    rule(
      'lease extension (when extendLock is offered): only the holder extends, and only while it holds',
      async (s, a) => {
        const { store, peer } = s;
        if (!store.extendLock || !peer.extendLock) return;
        // Speed-independent: the lease starts long and the holder renews it to a short one, so
        // the renewal is seen by the lock freeing (however slow the store's round trips are).
        const lease = a.defined(await store.acquireLock('lock', LONG_MS), 'acquireLock');
        a.equal(await peer.extendLock('lock', 'not-the-lease', SHORT_MS), false, 'a wrong lease');
        a.equal(await peer.acquireLock('lock', LONG_MS), undefined, 'after a wrong lease extends');
        a.equal(await peer.extendLock('lock', lease, SHORT_MS), true, 'extendLock by the holder');
        let next: string | undefined;
        await a.eventually(async () => {
          next = await peer.acquireLock('lock', LONG_MS);
          return next !== undefined;
        }, `acquireLock once the lease renewed to ${SHORT_MS} ms ran out`);
        a.equal(
          await store.extendLock('lock', lease, LONG_MS),
          false,
          'extendLock of a lapsed lease',
        );
        a.equal(
          await peer.extendLock('lock', next!, LONG_MS),
          true,
          'extendLock by the new holder',
        );
        await peer.releaseLock('lock', next!);
        a.equal(await peer.extendLock('lock', next!, LONG_MS), false, 'extendLock after release');
        a.defined(await store.acquireLock('lock', LONG_MS), 'acquireLock after release');
      },
    ),

    rule('waking waiters: a set wakes waitForChange and watch listeners', async (s, a) => {
      let watched = 0;
      s.peer.watch?.('token', () => (watched += 1));
      const waiters = [s.store, s.peer].map((store) => store.waitForChange('token', LONG_MS));
      await s.store.set('token', credential('v1', Date.now()));
      await a.settles(Promise.all(waiters), `waitForChange (timeout ${LONG_MS} ms) after a set`);
      if (s.peer.watch) await a.eventually(async () => watched > 0, 'a watch listener call');
    }),

    rule(
      'never reject: waitForChange resolves on its timeout and when the store closes',
      async (s, a) => {
        await a.settles(
          s.store.waitForChange('quiet', SHORT_MS),
          `waitForChange of ${SHORT_MS} ms`,
        );
        const waiting = s.store.waitForChange('quiet', LONG_MS);
        await s.closeStore();
        await a.settles(waiting, `waitForChange (timeout ${LONG_MS} ms) after close`);
      },
    ),

    rule('atomic take: of concurrent takeEntry calls, exactly one gets the entry', async (s, a) => {
      a.equal(await s.store.takeEntry('state'), undefined, 'takeEntry of a key never put');
      await s.store.putEntry('state', 'pending', LONG_MS);
      const takers = Array.from({ length: CONCURRENT_TAKERS }, (_, i) =>
        (i % 2 ? s.peer : s.store).takeEntry('state'),
      );
      const taken = (await Promise.all(takers)).filter((value) => value !== undefined);
      a.equal(taken, ['pending'], `what ${CONCURRENT_TAKERS} concurrent takeEntry calls got`);
      a.equal(await s.peer.takeEntry('state'), undefined, 'takeEntry after it was taken');
    }),

    rule('an entry lives only for its ttl', async (s, a) => {
      await s.store.putEntry('state', 'pending', SHORT_MS);
      await pause(SHORT_MS * 4);
      a.equal(await s.peer.takeEntry('state'), undefined, `takeEntry after its ${SHORT_MS} ms ttl`);
    }),

    rule('counters count from 1 and read 0 once their ttl has passed', async (s, a) => {
      a.equal(await s.store.readCounter('count'), 0, 'readCounter of a key never counted');
      a.equal(await s.store.increment('count', LONG_MS), 1, 'first increment');
      a.equal(await s.peer.increment('count', LONG_MS), 2, 'second increment');
      a.equal(await s.peer.readCounter('count'), 2, 'readCounter after two');
      await s.store.increment('brief', SHORT_MS);
      await a.eventually(
        async () => (await s.peer.readCounter('brief')) === 0,
        `readCounter reading 0 after a ${SHORT_MS} ms ttl`,
      );
    }),
  ];
}
