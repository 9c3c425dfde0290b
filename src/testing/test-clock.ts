import { clampDelay, type ClockTimer, type WeChatClock } from '../clock/wechat-clock.js';

interface PendingTimer {
  dueAt: number;
  order: number;
  task: () => void;
  handle?: NodeJS.Timeout;
}

/** Options of a `TestClock`. */
export interface TestClockOptions {
  /**
   * Time stands still but for `advance`: for exact times in assertions. A timer fires in the
   * `advance` that reaches its moment, or at once if its moment had come when it was set (a
   * delay of 0, as under real time). Default false: real time flows, plus the jumps.
   */
  frozen?: boolean;
}

/**
 * A clock a test moves forward: real time plus the jumps of `advance(ms)`. Give the same one to
 * the module (`clock`) and the emulator (`WeChatEmulator.start({ clock })`), and a token ages,
 * rotates and is refreshed ahead of expiry in the time a test takes to say so. Timers behave as
 * under real time: each fires once its moment comes, whether time flowed or jumped there, and in
 * the order of their moments.
 */
export class TestClock implements WeChatClock {
  private offsetMs: number;
  private readonly frozen: boolean;
  private readonly pending = new Set<PendingTimer>();
  private created = 0;
  private advancing: Promise<void> = Promise.resolve();

  /** Starts at `start` (a date or epoch ms); default now. */
  constructor(start?: Date | number, options: TestClockOptions = {}) {
    const startMs = start === undefined ? Date.now() : Number(start);
    if (!Number.isFinite(startMs)) {
      throw new RangeError(`TestClock takes a date or epoch ms to start at, got ${String(start)}`);
    }
    this.frozen = options.frozen === true;
    this.offsetMs = this.frozen ? startMs : startMs - Date.now();
  }

  now(): number {
    return this.frozen ? this.offsetMs : Date.now() + this.offsetMs;
  }

  setTimer(delayMs: number, task: () => void): ClockTimer {
    const timer: PendingTimer = {
      dueAt: this.now() + clampDelay(delayMs),
      order: this.created++,
      task,
    };
    this.pending.add(timer);
    this.arm(timer);
    return { cancel: () => this.drop(timer) };
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way at its own moment,
   * in order, and letting the work each one starts get going before the next. Resolves when
   * time has arrived; work that waits on the network (a token fetch) may still be under way, so
   * wait for its outcome (`await tokens.getAccessToken()`), not for a duration. Calls queue.
   */
  advance(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      return Promise.reject(
        new RangeError(`TestClock.advance takes a non-negative number of ms, got ${String(ms)}`),
      );
    }
    const step = this.advancing.then(() => this.advanceBy(ms));
    this.advancing = step.catch(() => undefined);
    return step;
  }

  /** Timers set and not yet fired or cancelled. */
  pendingTimers(): number {
    return this.pending.size;
  }

  private async advanceBy(ms: number): Promise<void> {
    const target = this.now() + ms;
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.jumpTo(next.dueAt);
      this.fire(next);
      await settle();
    }
    this.jumpTo(target);
    for (const timer of this.pending) this.arm(timer);
    await settle();
  }

  private nextDue(until: number): PendingTimer | undefined {
    let next: PendingTimer | undefined;
    for (const timer of this.pending) {
      if (timer.dueAt > until) continue;
      if (
        !next ||
        timer.dueAt < next.dueAt ||
        (timer.dueAt === next.dueAt && timer.order < next.order)
      ) {
        next = timer;
      }
    }
    return next;
  }

  // Never backwards: real time may have flowed past the moment already.
  private jumpTo(moment: number): void {
    this.offsetMs += Math.max(0, moment - this.now());
  }

  // Each timer also waits in real time, so a test that lets time flow sees it fire too.
  private arm(timer: PendingTimer): void {
    clearTimeout(timer.handle);
    // Frozen, only a timer whose moment has come needs real time: the next turn of the loop, as
    // setTimeout(0) would. Waiting for an advance instead would strand work that was scheduled
    // for a moment an advance had already passed.
    if (this.frozen && timer.dueAt > this.now()) return;
    timer.handle = setTimeout(() => this.fire(timer), clampDelay(timer.dueAt - this.now()));
    timer.handle.unref();
  }

  private fire(timer: PendingTimer): void {
    if (!this.pending.has(timer)) return;
    if (timer.dueAt > this.now()) return this.arm(timer);
    this.drop(timer);
    timer.task();
  }

  private drop(timer: PendingTimer): void {
    clearTimeout(timer.handle);
    this.pending.delete(timer);
  }
}

// One turn of the event loop: the promise chains a fired timer started run as far as they can
// without waiting on I/O.
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
