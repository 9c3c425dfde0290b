import { expect, it } from '@jest/globals';
import { waitFor } from '../support/wait-for.js';
import { TEST_TIMEOUT_MS, describePushCluster } from './cluster-harness.js';

// Issue 11's acceptance: separate Node processes (the built package, as a user's app runs it)
// behind one Redis, the emulator pushing as WeChat does (5 s a try, three tries) and sending
// each try of a push to another instance, as a load balancer may.
describePushCluster(
  'a push cluster: slow handlers, their tries sprayed across the instances',
  (h) => {
    it(
      'runs handlers of 0.1, 3, 7, 12 and 20 s once each: the reply for the first four, a customer-service message for the last',
      async () => {
        const { cluster } = await h.startCluster();
        const sleeps = [100, 3000, 7000, 12000, 20000];
        const users = sleeps.map((ms) => `o_sleeper_${ms}`);
        const pushedAt = Date.now();
        const outcomes = await Promise.all(
          sleeps.map((ms, i) => h.pushText(users[i], `sleep ${ms}`)),
        );
        outcomes.forEach((outcome, i) => h.noteOutcome(`sleep ${sleeps[i]}`, outcome));

        // Each try went to the next instance: W0, then W1, then W2.
        for (const outcome of outcomes) {
          expect(outcome.answers.map((answer) => answer.url)).toEqual(
            cluster.urls.slice(0, outcome.tries),
          );
        }
        h.expectNoTryTimedOut(outcomes);
        // 0.1 s and 3 s are ready within the first try's margin (4.5 s); 7 s within the second
        // try's (9 s from the push), 12 s within the third's (13.5 s). The tries before were
        // released: their connection closed, and WeChat tried again at once.
        const expectedTries = [1, 1, 2, 3];
        outcomes.slice(0, 4).forEach((outcome, i) => {
          expect(outcome).toMatchObject({
            shown: 'reply',
            encrypted: true,
            tries: expectedTries[i],
            reply: { ToUserName: users[i], MsgType: 'text', Content: `slept ${sleeps[i]}` },
          });
          expect(outcome.answers.slice(0, -1).map((answer) => answer.failure)).toEqual(
            Array(expectedTries[i] - 1).fill('connection'),
          );
        });
        // 20 s: every try was released, so WeChat shows its notice after the third.
        expect(outcomes[4]).toMatchObject({ shown: 'unavailable', tries: 3 });
        expect(outcomes[4].answers.map((answer) => answer.failure)).toEqual([
          'connection',
          'connection',
          'connection',
        ]);

        await waitFor(
          'the 20 s handler to finish',
          async () => (await cluster.totals('sleep 20000')).finished === 1,
          30_000,
        );
        await waitFor(
          'the late reply as a customer-service message',
          () => h.customMessages().length > 0,
          10_000,
        );
        h.notes.push(`customer-service message seen ${Date.now() - pushedAt}ms after the pushes`);
        for (const ms of sleeps) {
          expect({ ms, ...(await cluster.totals(`sleep ${ms}`)) }).toEqual({
            ms,
            started: 1,
            finished: 1,
          });
        }
        // The 12 s reply went out on the third try: no customer-service copy of it (its check ran
        // 15.5 s after the push, before the 20 s handler finished).
        expect(h.customMessages()).toEqual([{ touser: users[4], content: 'slept 20000' }]);
        h.passed = true;
      },
      TEST_TIMEOUT_MS,
    );
  },
);
