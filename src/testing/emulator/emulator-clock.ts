import { beijingDay, beijingMonth } from '../../common/beijing-day.js';

/** The emulator's notion of time: real time plus an offset that tests move forward. */
export class EmulatorClock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, as the emulated WeChat sees it. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the emulated time forward (tokens, codes and quotas age accordingly). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`EmulatorClock.advance takes a non-negative number of ms, got ${ms}`);
    }
    this.offsetMs += ms;
  }

  /** The WeChat quota day, `YYYY-MM-DD`: quotas reset at 00:00 Beijing time (UTC+8). */
  quotaDay(): string {
    return beijingDay(this.now());
  }

  /** The calendar month of WeChat's monthly limits, in Beijing time: `YYYY-MM`. */
  quotaMonth(): string {
    return beijingMonth(this.now());
  }
}
