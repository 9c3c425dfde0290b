import { afterAll, afterEach, beforeAll, describe, expect } from '@jest/globals';
import { type EmulatorPushOutcome, type WeChatEmulator } from '../../src/testing/index.js';
import { PrivateRedis } from '../support/private-redis.js';
import { uniquePrefix } from '../support/redis.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { PushCluster } from './push-cluster.js';

export const WORKERS = 3;
export const TEST_TIMEOUT_MS = 90_000;
const PUSH_TOKEN = 'pushToken2024';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

/** What a push-cluster test uses: its Redis, emulator and workers, and notes for its log. */
export class PushClusterHarness {
  redis!: PrivateRedis;
  redisStopped = false;
  emulator: WeChatEmulator | undefined;
  cluster: PushCluster | undefined;
  // Set by each test once its last assertion passed: otherwise the workers' logs are printed,
  // with what the test noted of the outcomes (also printed with PUSH_CLUSTER_LOGS=1).
  passed = false;
  notes: string[] = [];

  /** Fresh emulator and workers, with a key prefix of their own; tries sprayed W0, W1, W2. */
  async startCluster(): Promise<{ emulator: WeChatEmulator; cluster: PushCluster }> {
    this.emulator = await startEmulator();
    this.cluster = await PushCluster.start(
      WORKERS,
      emulatorOptions(this.emulator, {
        redis: { url: this.redis.url, keyPrefix: uniquePrefix() },
        push: { token: PUSH_TOKEN, encodingAESKey: AES_KEY, lateReply: 'customer-service' },
      }),
    );
    await this.sprayFrom(0);
    return { emulator: this.emulator, cluster: this.cluster };
  }

  /** Configures the emulator's URLs starting at worker `first`: try n goes to worker first+n. */
  async sprayFrom(first: number): Promise<void> {
    const urls = this.cluster!.urls;
    await this.emulator!.configurePush({
      url: [...urls.slice(first), ...urls.slice(0, first)],
      token: PUSH_TOKEN,
      encodingAESKey: AES_KEY,
      mode: 'safe',
    });
  }

  /** Adds a user and pushes a text of theirs; the push records the user's side (their window). */
  pushText(openid: string, content: string): Promise<EmulatorPushOutcome> {
    this.emulator!.addUser({ openid });
    const outcome = this.emulator!.push(this.emulator!.compose.text(openid, content));
    // Awaited by the test; a test that fails first closes the this.emulator, which rejects it.
    outcome.catch(() => undefined);
    return outcome;
  }

  /** The customer-service messages the app sent through the emulator's API. */
  customMessages(): { touser: string; content: unknown }[] {
    return this.emulator!.sentMessages()
      .filter((m) => m.kind === 'custom')
      .map((m) => ({ touser: m.touser, content: (m.body.text as { content?: unknown })?.content }));
  }

  /** Notes what the user saw and how each try went: `W1 connection 4503ms`. */
  noteOutcome(label: string, outcome: EmulatorPushOutcome): void {
    const tries = outcome.answers.map((answer) => {
      const worker = this.cluster!.urls.indexOf(answer.url ?? '');
      return `W${worker} ${answer.failure ?? answer.status} ${answer.ms}ms`;
    });
    this.notes.push(
      `${label}: ${outcome.shown} after ${outcome.tries} tries (${tries.join(', ')})`,
    );
  }

  /** WeChat gave up on no try: each was answered, or released (closed) before its 5 s. */
  expectNoTryTimedOut(outcomes: EmulatorPushOutcome[]): void {
    const failures = outcomes.flatMap((o) => o.answers.map((answer) => answer.failure));
    expect(failures).not.toContain('timeout');
  }
}

/** A describe block whose tests get a fresh cluster each (`harness.startCluster()`). */
export function describePushCluster(
  title: string,
  body: (harness: PushClusterHarness) => void,
): void {
  describe(title, () => {
    const h = new PushClusterHarness();
    beforeAll(async () => {
      h.redis = await PrivateRedis.start();
    });
    afterEach(async () => {
      if (h.cluster && (!h.passed || process.env.PUSH_CLUSTER_LOGS)) {
        const heading = h.passed ? 'worker logs' : 'worker logs of the failed test';
        const noted = h.notes.map((line) => `${line}\n`).join('');
        process.stdout.write(`\n--- ${heading} ---\n${noted}${h.cluster.logText()}\n---\n`);
      }
      h.passed = false;
      h.notes = [];
      await h.cluster?.stop();
      h.cluster = undefined;
      await h.emulator?.close();
      h.emulator = undefined;
      if (h.redisStopped) {
        await h.redis.start();
        h.redisStopped = false;
      }
    });
    afterAll(async () => {
      await h.redis?.stop();
    });
    body(h);
  });
}
