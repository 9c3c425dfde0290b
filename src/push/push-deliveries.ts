import { type LoggerService } from '@nestjs/common';
import { type PushLedger, type PushOutcome } from './push-ledger.js';

/** How a try is answered: with the push's outcome, or released (WeChat then tries again). */
export type TryAnswer = { outcome: PushOutcome } | { release: true } | { overloaded: true };

/** The timing of deliveries; all in real milliseconds (WeChat's 5 s are wall-clock time). */
export interface DeliveryTiming {
  /** A try is answered or released this long after it arrived (under WeChat's 5 s). */
  marginMs: number;
  /** The claim's lease, extended while the handler runs, so that a dead holder's runs out. */
  leaseMs: number;
  /** From the first try to the release of WeChat's last try: after it a reply is late. */
  lastTryMs: number;
  /** Handlers running at once in this process; past it, pushes are turned away. */
  maxInFlight: number;
}

// wechat-push.md section 5: WeChat waits 5 s for an answer and tries three times in all.
export const WECHAT_TRY_MS = 5000;
export const WECHAT_TRIES = 3;
// After the last try's release, how long a try elsewhere has to report that it delivered.
const LATE_CHECK_SLACK_MS = 1000;

type Settled = TryAnswer & { local?: Running };

interface Running {
  done: Promise<PushOutcome>;
  firstTryAt: number;
  /** A try of this process answered with the reply. */
  delivered: boolean;
  onLate: (outcome: PushOutcome) => void;
}

/**
 * Runs each push's handler once across the cluster and answers every try of it (wechat-push.md
 * section 5): the first try claims the push and runs the handler; a try that arrives while it
 * runs, here or on another instance, waits for its outcome; a try after it gets the recorded
 * outcome. A try is never held past its margin: it is released, and WeChat's next try waits on.
 * A reply ready after WeChat's last try is handed to `onLate`.
 */
export class PushDeliveries {
  private readonly running = new Map<string, Running>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly ledger: PushLedger,
    private readonly timing: DeliveryTiming,
    private readonly logger: LoggerService,
  ) {}

  /** Handlers running in this process. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Replies of this process whose delivery is still to be checked after WeChat's last try. */
  get pendingLateChecks(): number {
    return this.timers.size;
  }

  /**
   * Answers one try of the push `key`. `run` runs its handler (and never rejects); `onLate` gets
   * its outcome if this process ran it and no try delivered the reply by WeChat's last one.
   */
  async answerTry(
    key: string,
    run: () => Promise<PushOutcome>,
    onLate: (outcome: PushOutcome) => void,
  ): Promise<TryAnswer> {
    const deadline = Date.now() + this.timing.marginMs;
    let timer: NodeJS.Timeout | undefined;
    const released = new Promise<Settled>((resolve) => {
      timer = setTimeout(() => resolve({ release: true }), this.timing.marginMs);
    });
    try {
      const answer = await Promise.race([this.settle(key, run, onLate, deadline), released]);
      if ('outcome' in answer && answer.outcome.reply) this.noteDelivered(key, answer);
      if ('outcome' in answer) return { outcome: answer.outcome };
      return answer;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the timers; replies not delivered yet are reported lost. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    if (this.timers.size > 0) {
      this.logger.warn(
        `Shutting down with ${this.timers.size} push replies whose delivery was not confirmed yet`,
      );
    }
    this.timers.clear();
  }

  private async settle(
    key: string,
    run: () => Promise<PushOutcome>,
    onLate: (outcome: PushOutcome) => void,
    deadline: number,
  ): Promise<Settled> {
    while (Date.now() < deadline) {
      const local = this.running.get(key);
      if (local) return { outcome: await local.done, local };
      const recorded = await this.ledger.outcome(key);
      if (recorded) return { outcome: recorded };
      const lease = await this.ledger.claim(key, this.claimLeaseMs());
      if (lease !== undefined) {
        // The holder may have recorded the outcome and let go between the read and the claim.
        const raced = await this.ledger.outcome(key);
        if (raced) {
          await this.ledger.release(key, lease);
          return { outcome: raced };
        }
        if (this.running.size >= this.timing.maxInFlight) {
          await this.ledger.release(key, lease);
          return { overloaded: true };
        }
        const started = this.start(key, run, onLate, lease);
        return { outcome: await started.done, local: started };
      }
      await this.ledger.waitForOutcome(key, Math.min(deadline - Date.now(), this.timing.leaseMs));
    }
    return { release: true };
  }

  // Only a try that answers with the reply counts: one released meanwhile delivered nothing.
  private noteDelivered(key: string, answer: { local?: Running }): void {
    if (answer.local) answer.local.delivered = true;
    this.ledger.markDelivered(key).catch(() => undefined);
  }

  // Without lease extension the claim must cover every try, or a retry would run it again.
  private claimLeaseMs(): number {
    return this.ledger.extendsLeases ? this.timing.leaseMs : this.timing.lastTryMs;
  }

  private start(
    key: string,
    run: () => Promise<PushOutcome>,
    onLate: (outcome: PushOutcome) => void,
    lease: string,
  ): Running {
    const keeper = setInterval(() => {
      this.ledger.extend(key, lease, this.timing.leaseMs).catch(() => undefined);
    }, this.timing.leaseMs / 3);
    keeper.unref();
    const entry: Running = { done: undefined!, firstTryAt: Date.now(), delivered: false, onLate };
    entry.done = run().then(async (outcome) => {
      clearInterval(keeper);
      try {
        await this.ledger.record(key, outcome);
        await this.ledger.release(key, lease);
      } catch (error) {
        this.logger.warn(`Could not record a push's outcome: ${(error as Error).message}`);
      }
      this.running.delete(key);
      if (outcome.reply) this.checkDeliveredLater(key, entry, outcome);
      return outcome;
    });
    this.running.set(key, entry);
    return entry;
  }

  // The outcome is recorded for the tries to come; after the last one, see whether one took it.
  private checkDeliveredLater(key: string, entry: Running, outcome: PushOutcome): void {
    if (this.closed) return;
    const checkAt = Math.max(Date.now(), entry.firstTryAt + this.timing.lastTryMs);
    const timer = setTimeout(
      async () => {
        this.timers.delete(timer);
        if (entry.delivered) return;
        const delivered = await this.ledger.wasDelivered(key).catch(() => false);
        if (!delivered) entry.onLate(outcome);
      },
      checkAt + LATE_CHECK_SLACK_MS - Date.now(),
    );
    timer.unref();
    this.timers.add(timer);
  }
}
