import { systemClock, type WeChatClock } from '../../clock/wechat-clock.js';
import { beijingDay, beijingMonth } from '../../common/beijing-day.js';

/**
 * The emulator's notion of time: its source (real time, or the `TestClock` it shares with the
 * app under test) plus an offset of its own that `advance` moves, as if WeChat's clock ran ahead.
 */
export class EmulatorClock {
  private offsetMs = 0;

  constructor(private readonly source: WeChatClock = systemClock) {}

  /** Milliseconds since the epoch, as the emulated WeChat sees it (whole milliseconds). */
  now(): number {
    return Math.floor(this.source.now()) + this.offsetMs;
  }

  /**
   * Moves the emulator's time forward, and only the emulator's (tokens, codes and quotas age
   * accordingly). To move the app's time with it, share a `TestClock` and advance that.
   */
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
