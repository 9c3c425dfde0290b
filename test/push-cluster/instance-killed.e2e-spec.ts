import { expect, it } from '@jest/globals';
import { sleep, waitFor } from '../support/wait-for.js';
import { TEST_TIMEOUT_MS, WORKERS, describePushCluster } from './cluster-harness.js';
import { type PushWorker } from './push-cluster.js';

// Issue 11's acceptance: separate Node processes (the built package, as a user's app runs it)
// behind one Redis, the emulator pushing as WeChat does (5 s a try, three tries) and sending
// each try of a push to another instance, as a load balancer may.
describePushCluster('a push cluster: the instance running a handler is killed', (h) => {
  it(
    'runs the handler again on another instance when the one running it is SIGKILLed, and the user gets one reply',
    async () => {
      const { cluster } = await h.startCluster();
      const user = 'o_killed_holder';
      const content = 'sleep 8000';
      const pushedAt = Date.now();
      const outcome = h.pushText(user, content);

      let holder: PushWorker | undefined;
      await waitFor('the handler to start on an instance', async () => {
        const runs = await cluster.runs();
        holder = cluster.running.find((_, i) => runs[i].started[content] === 1);
        return holder !== undefined;
      });
      // The first try went to W0, which claimed the push.
      expect(holder).toBe(cluster.workers[0]);
      await holder!.kill();
      h.notes.push(
        `W${holder!.index} (pid ${holder!.pid}) killed ${Date.now() - pushedAt}ms after the push`,
      );
      const survivors = cluster.running;
      expect(survivors).toHaveLength(WORKERS - 1);

      const shown = await outcome;
      h.noteOutcome(content, shown);
      h.expectNoTryTimedOut([shown]);
      await waitFor(
        'the handler to run again on a survivor',
        async () => (await cluster.totals(content)).finished === 1,
        30_000,
      );
      // Exactly once more, on one survivor: a later try claimed the push once the dead claim's
      // 3 s lease ran out.
      expect(await cluster.totals(content)).toEqual({ started: 1, finished: 1 });

      // What the user sees: the first try's connection died with W0, the second (W1) waited
      // for the lease to run out (≤ 3 s) and then ran the 8 s handler, which ends after WeChat's
      // third try has been released (9 s after the push). So WeChat shows its notice, and the
      // reply arrives once, as a customer-service message, after the late check of the
      // instance that ran it.
      expect(shown).toMatchObject({ shown: 'unavailable', tries: 3 });
      expect(shown.answers.map((answer) => answer.failure)).toEqual([
        'connection',
        'connection',
        'connection',
      ]);
      await waitFor(
        'the reply as a customer-service message',
        () => h.customMessages().length > 0,
        30_000,
      );
      h.notes.push(`customer-service message seen ${Date.now() - pushedAt}ms after the push`);
      // Only the survivor that ran the handler holds its reply, and it has sent it: wait a little
      // for any second copy anyway.
      await sleep(2000);
      expect(h.customMessages()).toEqual([{ touser: user, content: 'slept 8000' }]);
      h.passed = true;
    },
    TEST_TIMEOUT_MS,
  );
});
