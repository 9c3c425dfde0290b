const FORCES_PER_DAY = 20;
const SPACING_MS = 30_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/**
 * WeChat allows 20 forced stable_token refreshes a day, 30 s apart (a closer one silently does
 * nothing). This keeps a process inside those limits; outside them a normal-mode call is made.
 */
export class StableForceBudget {
  private day = -1;
  private used = 0;
  private lastAt = -Infinity;

  /** True, and counted, when a forced refresh may be spent now. */
  take(now = Date.now()): boolean {
    const day = Math.floor((now + BEIJING_OFFSET_MS) / 86_400_000);
    if (day !== this.day) {
      this.day = day;
      this.used = 0;
    }
    if (this.used >= FORCES_PER_DAY || now - this.lastAt < SPACING_MS) return false;
    this.used += 1;
    this.lastAt = now;
    return true;
  }
}
