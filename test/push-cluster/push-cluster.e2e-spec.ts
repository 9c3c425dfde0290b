import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type EmulatorPushOutcome, type WeChatEmulator } from '../../src/testing/index.js';
import { PrivateRedis } from '../support/private-redis.js';
import { uniquePrefix } from '../support/redis.js';
import { emulatorOptions, startEmulator, waitFor } from '../support/wechat-test-app.js';
import { PushCluster, type PushWorker } from './push-cluster.js';

const WORKERS = 3;
const PUSH_TOKEN = 'pushToken2024';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
// WeChat's tries: 5 s each, three in all (wechat-push.md section 5), as the emulator keeps them.
const TEST_TIMEOUT_MS = 90_000;

// Issue 11's acceptance: separate Node processes (the built package, as a user's app runs it)
// behind one Redis, the emulator pushing as WeChat does (5 s a try, three tries) and sending
// each try of a push to another instance, as a load balancer may.
describe(`the push endpoint on a cluster of ${WORKERS} processes sharing one Redis`, () => {
  let redis: PrivateRedis;
  let redisStopped = false;
  let emulator: WeChatEmulator | undefined;
  let cluster: PushCluster | undefined;
  // Set by each test once its last assertion passed: otherwise the workers' logs are printed,
  // with what the test noted of the outcomes (also printed with PUSH_CLUSTER_LOGS=1).
  let passed = false;
  let notes: string[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });

  afterEach(async () => {
    if (cluster && (!passed || process.env.PUSH_CLUSTER_LOGS)) {
      const heading = passed ? 'worker logs' : 'worker logs of the failed test';
      const noted = notes.map((line) => `${line}\n`).join('');
      process.stdout.write(`\n--- ${heading} ---\n${noted}${cluster.logText()}\n---\n`);
    }
    passed = false;
    notes = [];
    await cluster?.stop();
    cluster = undefined;
    await emulator?.close();
    emulator = undefined;
    if (redisStopped) {
      await redis.start();
      redisStopped = false;
    }
  });

  afterAll(async () => {
    await redis?.stop();
  });

  /** Fresh emulator and workers, with a key prefix of their own; tries sprayed W0, W1, W2. */
  async function startCluster(): Promise<{ emulator: WeChatEmulator; cluster: PushCluster }> {
    emulator = await startEmulator();
    cluster = await PushCluster.start(
      WORKERS,
      emulatorOptions(emulator, {
        redis: { url: redis.url, keyPrefix: uniquePrefix() },
        push: { token: PUSH_TOKEN, encodingAESKey: AES_KEY, lateReply: 'customer-service' },
      }),
    );
    await sprayFrom(0);
    return { emulator, cluster };
  }

  /** Configures the emulator's URLs starting at worker `first`: try n goes to worker first+n. */
  async function sprayFrom(first: number): Promise<void> {
    const urls = cluster!.urls;
    await emulator!.configurePush({
      url: [...urls.slice(first), ...urls.slice(0, first)],
      token: PUSH_TOKEN,
      encodingAESKey: AES_KEY,
      mode: 'safe',
    });
  }

  /** Adds a user and pushes a text of theirs; the push records the user's side (their window). */
  function pushText(openid: string, content: string): Promise<EmulatorPushOutcome> {
    emulator!.addUser({ openid });
    const outcome = emulator!.push(emulator!.compose.text(openid, content));
    // Awaited by the test; a test that fails first closes the emulator, which rejects it.
    outcome.catch(() => undefined);
    return outcome;
  }

  /** The customer-service messages the app sent through the emulator's API. */
  function customMessages(): { touser: string; content: unknown }[] {
    return emulator!
      .sentMessages()
      .filter((m) => m.kind === 'custom')
      .map((m) => ({ touser: m.touser, content: (m.body.text as { content?: unknown })?.content }));
  }

  /** Notes what the user saw and how each try went: `W1 connection 4503ms`. */
  function noteOutcome(label: string, outcome: EmulatorPushOutcome): void {
    const tries = outcome.answers.map((answer) => {
      const worker = cluster!.urls.indexOf(answer.url ?? '');
      return `W${worker} ${answer.failure ?? answer.status} ${answer.ms}ms`;
    });
    notes.push(`${label}: ${outcome.shown} after ${outcome.tries} tries (${tries.join(', ')})`);
  }

  /** WeChat gave up on no try: each was answered, or released (closed) before its 5 s. */
  function expectNoTryTimedOut(outcomes: EmulatorPushOutcome[]): void {
    const failures = outcomes.flatMap((o) => o.answers.map((answer) => answer.failure));
    expect(failures).not.toContain('timeout');
  }

  it(
    'runs handlers of 0.1, 3, 7, 12 and 20 s once each: the reply for the first four, a customer-service message for the last',
    async () => {
      const { cluster } = await startCluster();
      const sleeps = [100, 3000, 7000, 12000, 20000];
      const users = sleeps.map((ms) => `o_sleeper_${ms}`);
      const pushedAt = Date.now();
      const outcomes = await Promise.all(sleeps.map((ms, i) => pushText(users[i], `sleep ${ms}`)));
      outcomes.forEach((outcome, i) => noteOutcome(`sleep ${sleeps[i]}`, outcome));

      // Each try went to the next instance: W0, then W1, then W2.
      for (const outcome of outcomes) {
        expect(outcome.answers.map((answer) => answer.url)).toEqual(
          cluster.urls.slice(0, outcome.tries),
        );
      }
      expectNoTryTimedOut(outcomes);
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
        () => customMessages().length > 0,
        10_000,
      );
      notes.push(`customer-service message seen ${Date.now() - pushedAt}ms after the pushes`);
      for (const ms of sleeps) {
        expect({ ms, ...(await cluster.totals(`sleep ${ms}`)) }).toEqual({
          ms,
          started: 1,
          finished: 1,
        });
      }
      // The 12 s reply went out on the third try: no customer-service copy of it (its check ran
      // 15.5 s after the push, before the 20 s handler finished).
      expect(customMessages()).toEqual([{ touser: users[4], content: 'slept 20000' }]);
      passed = true;
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs the handler again on another instance when the one running it is SIGKILLed, and the user gets one reply',
    async () => {
      const { cluster } = await startCluster();
      const user = 'o_killed_holder';
      const content = 'sleep 8000';
      const pushedAt = Date.now();
      const outcome = pushText(user, content);

      let holder: PushWorker | undefined;
      await waitFor('the handler to start on an instance', async () => {
        const runs = await cluster.runs();
        holder = cluster.running.find((_, i) => runs[i].started[content] === 1);
        return holder !== undefined;
      });
      // The first try went to W0, which claimed the push.
      expect(holder).toBe(cluster.workers[0]);
      await holder!.kill();
      notes.push(
        `W${holder!.index} (pid ${holder!.pid}) killed ${Date.now() - pushedAt}ms after the push`,
      );
      const survivors = cluster.running;
      expect(survivors).toHaveLength(WORKERS - 1);

      const shown = await outcome;
      noteOutcome(content, shown);
      expectNoTryTimedOut([shown]);
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
        () => customMessages().length > 0,
        30_000,
      );
      notes.push(`customer-service message seen ${Date.now() - pushedAt}ms after the push`);
      // Only the survivor that ran the handler holds its reply, and it has sent it: wait a little
      // for any second copy anyway.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(customMessages()).toEqual([{ touser: user, content: 'slept 8000' }]);
      passed = true;
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'answers every try in time while Redis is down, and deduplicates across the cluster again once it is back',
    async () => {
      const { cluster } = await startCluster();
      // In flight when Redis stops: a handler on each instance (the first try sent to each).
      const inFlight: Promise<EmulatorPushOutcome>[] = [];
      for (let i = 0; i < WORKERS; i++) {
        await sprayFrom(i);
        inFlight.push(pushText(`o_in_flight_${i}`, `sleep 2500 in flight ${i}`));
      }
      await waitFor('the three handlers to start', async () => {
        const runs = await cluster.runs();
        return runs.every((r, i) => r.started[`sleep 2500 in flight ${i}`] === 1);
      });
      await redis.stop();
      redisStopped = true;

      // Sent while Redis is down, each first to another instance.
      const duringOutage: Promise<EmulatorPushOutcome>[] = [];
      for (let i = 0; i < WORKERS; i++) {
        await sprayFrom(i);
        duringOutage.push(pushText(`o_outage_${i}`, `sleep 1000 during outage ${i}`));
        duringOutage.push(pushText(`o_outage_fast_${i}`, `sleep 100 during outage ${i}`));
      }
      const outcomes = await Promise.all([...inFlight, ...duringOutage]);
      const contents = [
        ...[0, 1, 2].map((i) => `sleep 2500 in flight ${i}`),
        ...[0, 1, 2].flatMap((i) => [
          `sleep 1000 during outage ${i}`,
          `sleep 100 during outage ${i}`,
        ]),
      ];
      outcomes.forEach((outcome, i) => noteOutcome(contents[i], outcome));
      expectNoTryTimedOut(outcomes);
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

      await redis.start();
      redisStopped = false;
      await waitFor(
        'every instance to reconnect to Redis',
        () =>
          cluster.workers.every((w) => w.logs.some((l) => /Redis answers again/.test(l.message))),
        20_000,
      );
      await sprayFrom(0);
      const after = await Promise.all([
        pushText('o_after_7000', 'sleep 7000 after'),
        pushText('o_after_100', 'sleep 100 after'),
      ]);
      noteOutcome('sleep 7000 after', after[0]);
      noteOutcome('sleep 100 after', after[1]);
      expectNoTryTimedOut(after);
      // 7 s: W0 runs it, W1's try waits on W0's claim through Redis and answers with the reply.
      expect(after[0]).toMatchObject({
        shown: 'reply',
        tries: 2,
        reply: { Content: 'slept 7000' },
      });
      expect(after[1]).toMatchObject({ shown: 'reply', tries: 1, reply: { Content: 'slept 100' } });
      expect(await cluster.totals('sleep 7000 after')).toEqual({ started: 1, finished: 1 });
      expect(await cluster.totals('sleep 100 after')).toEqual({ started: 1, finished: 1 });
      passed = true;
    },
    TEST_TIMEOUT_MS,
  );
});
