import { expect, it } from '@jest/globals';
import { type EmulatorPushOutcome } from '../../src/testing/index.js';
import { waitFor } from '../support/wait-for.js';
import { TEST_TIMEOUT_MS, WORKERS, describePushCluster } from './cluster-harness.js';

// Issue 11's acceptance: separate Node processes (the built package, as a user's app runs it)
// behind one Redis, the emulator pushing as WeChat does (5 s a try, three tries) and sending
// each try of a push to another instance, as a load balancer may.
describePushCluster('a push cluster: Redis goes away and comes back', (h) => {
  it(
    'answers every try in time while Redis is down, and deduplicates across the cluster again once it is back',
    async () => {
      const { cluster } = await h.startCluster();
      // In flight when Redis stops: a handler on each instance (the first try sent to each).
      const inFlight: Promise<EmulatorPushOutcome>[] = [];
      for (let i = 0; i < WORKERS; i++) {
        await h.sprayFrom(i);
        inFlight.push(h.pushText(`o_in_flight_${i}`, `sleep 2500 in flight ${i}`));
      }
      await waitFor('the three handlers to start', async () => {
        const runs = await cluster.runs();
        return runs.every((r, i) => r.started[`sleep 2500 in flight ${i}`] === 1);
      });
      await h.redis.stop();
      h.redisStopped = true;

      // Sent while Redis is down, each first to another instance.
      const duringOutage: Promise<EmulatorPushOutcome>[] = [];
      for (let i = 0; i < WORKERS; i++) {
        await h.sprayFrom(i);
        duringOutage.push(h.pushText(`o_outage_${i}`, `sleep 1000 during outage ${i}`));
        duringOutage.push(h.pushText(`o_outage_fast_${i}`, `sleep 100 during outage ${i}`));
      }
      const outcomes = await Promise.all([...inFlight, ...duringOutage]);
      const contents = [
        ...[0, 1, 2].map((i) => `sleep 2500 in flight ${i}`),
        ...[0, 1, 2].flatMap((i) => [
          `sleep 1000 during outage ${i}`,
          `sleep 100 during outage ${i}`,
        ]),
      ];
      outcomes.forEach((outcome, i) => h.noteOutcome(contents[i], outcome));
      h.expectNoTryTimedOut(outcomes);
      outcomes.forEach((outcome, i) => {
        const ms = /^sleep ([0-9]+)/.exec(contents[i])![1];
        expect(outcome).toMatchObject({ shown: 'reply', reply: { Content: `slept ${ms}` } });
      });
      // At least once: while Redis is down each instance deduplicates on its own, so a retry
      // landing on another instance would run the handler there too (none was needed here).
      for (const content of contents) {
        expect((await cluster.totals(content)).finished).toBeGreaterThanOrEqual(1);
      }
      // Each instance said once that pushes are deduplicated within it meanwhile.
      for (const worker of cluster.workers) {
        expect(
          worker.logs.filter((l) => /shared store is unreachable/.test(l.message)),
        ).toHaveLength(1);
      }

      await h.redis.start();
      h.redisStopped = false;
      await waitFor(
        'every instance to reconnect to Redis',
        () =>
          cluster.workers.every((w) => w.logs.some((l) => /Redis answers again/.test(l.message))),
        20_000,
      );
      await h.sprayFrom(0);
      const after = await Promise.all([
        h.pushText('o_after_7000', 'sleep 7000 after'),
        h.pushText('o_after_100', 'sleep 100 after'),
      ]);
      h.noteOutcome('sleep 7000 after', after[0]);
      h.noteOutcome('sleep 100 after', after[1]);
      h.expectNoTryTimedOut(after);
      // 7 s: W0 runs it, W1's try waits on W0's claim through Redis and answers with the reply.
      expect(after[0]).toMatchObject({
        shown: 'reply',
        tries: 2,
        reply: { Content: 'slept 7000' },
      });
      expect(after[1]).toMatchObject({ shown: 'reply', tries: 1, reply: { Content: 'slept 100' } });
      expect(await cluster.totals('sleep 7000 after')).toEqual({ started: 1, finished: 1 });
      expect(await cluster.totals('sleep 100 after')).toEqual({ started: 1, finished: 1 });
      h.passed = true;
    },
    TEST_TIMEOUT_MS,
  );
});
