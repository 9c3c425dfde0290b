import { Logger } from '@nestjs/common';
import { systemClock } from '../clock/wechat-clock.js';
import { MemoryCredentialStore } from '../store/memory-credential-store.js';
import { type DeliveryTiming, PushDeliveries, type TryAnswer } from './push-deliveries.js';
import { PushLedger, type PushOutcome } from './push-ledger.js';
import { WeChatReply } from './push-reply.js';

const TIMING: DeliveryTiming = { marginMs: 300, leaseMs: 150, lastTryMs: 900, maxInFlight: 10 };
const REPLY: PushOutcome = { reply: WeChatReply.text('done') };
const logger = new Logger('test');
logger.warn = () => undefined;

/** A handler the test finishes when it wants, counting its runs. */
function controlledHandler() {
  let finish!: (outcome: PushOutcome) => void;
  const handler = {
    runs: 0,
    run: () => {
      handler.runs += 1;
      return new Promise<PushOutcome>((resolve) => (finish = resolve));
    },
    /** Finishes the run, once it has started. */
    finish: async (outcome: PushOutcome = REPLY) => {
      while (handler.runs === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      finish(outcome);
    },
  };
  return handler;
}

function instances(count: number, store = new MemoryCredentialStore(), timing = TIMING) {
  return Array.from(
    { length: count },
    () =>
      new PushDeliveries(
        new PushLedger('wx-spec', store, systemClock, 60_000, logger),
        timing,
        logger,
      ),
  );
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

const noLate = () => {
  throw new Error('nothing should be late');
};

describe('PushDeliveries', () => {
  it('runs a push once for tries on several instances, and answers each with its outcome', async () => {
    const [a, b] = instances(2);
    const handler = controlledHandler();
    const tries = [a, b, a].map((instance) => instance.answerTry('k1', handler.run, noLate));
    await handler.finish();
    const answers = await Promise.all(tries);
    expect(handler.runs).toBe(1);
    expect(answers).toEqual([{ outcome: REPLY }, { outcome: REPLY }, { outcome: REPLY }]);
    expect(await b.answerTry('k1', handler.run, noLate)).toEqual({ outcome: REPLY });
    expect(handler.runs).toBe(1);
  });

  it('releases a try whose outcome is not ready by its margin; a later try gets it', async () => {
    const [a, b] = instances(2);
    const handler = controlledHandler();
    const first: TryAnswer = await a.answerTry('k2', handler.run, noLate);
    expect(first).toEqual({ release: true });
    const second = b.answerTry('k2', handler.run, noLate);
    await handler.finish();
    expect(await second).toEqual({ outcome: REPLY });
    expect(handler.runs).toBe(1);
  });

  it('hands a reply over when no try took it by the last one, and only then', async () => {
    const [a] = instances(1);
    const handler = controlledHandler();
    const late: PushOutcome[] = [];
    expect(await a.answerTry('k3', handler.run, (o) => late.push(o))).toEqual({ release: true });
    await handler.finish();
    await until(() => late.length > 0);
    expect(late).toEqual([REPLY]);

    const onTime = controlledHandler();
    const answered = a.answerTry('k4', onTime.run, (o) => late.push(o));
    await onTime.finish();
    expect(await answered).toEqual({ outcome: REPLY });
    await until(() => a.pendingLateChecks === 0);
    expect(late).toEqual([REPLY]);
  });

  it('runs the push again when the instance that claimed it died (its lease ran out)', async () => {
    const store = new MemoryCredentialStore();
    // The dead instance's claim: taken, never extended, never released.
    await store.acquireLock('push:claim:k5', TIMING.leaseMs);
    // A margin far longer than the lease: the try outlives the claim, whatever the machine's load.
    const [survivor] = instances(1, store, { ...TIMING, marginMs: 10_000 });
    const handler = controlledHandler();
    const answer = survivor.answerTry('k5', handler.run, noLate);
    await handler.finish();
    expect(await answer).toEqual({ outcome: REPLY });
    expect(handler.runs).toBe(1);
  });

  it('turns pushes away past maxInFlight', async () => {
    const [a] = instances(1);
    const handlers = Array.from({ length: TIMING.maxInFlight + 1 }, controlledHandler);
    const tries = handlers.map((h, i) => a.answerTry(`busy${i}`, h.run, noLate));
    expect(await tries.at(-1)).toEqual({ overloaded: true });
    expect(a.inFlight).toBe(TIMING.maxInFlight);
    for (const h of handlers.slice(0, -1)) await h.finish();
    await Promise.all(tries);
    expect(a.inFlight).toBe(0);
  });
});
