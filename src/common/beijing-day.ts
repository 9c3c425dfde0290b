// Beijing time is UTC+8 all year: WeChat's daily and monthly quotas reset at its midnight.
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The Beijing calendar day of an instant (epoch ms), as `YYYY-MM-DD`. */
export function beijingDay(epochMs: number): string {
  return beijingDate(epochMs).slice(0, 10);
}

/** The Beijing calendar month of an instant (epoch ms), as `YYYY-MM`. */
export function beijingMonth(epochMs: number): string {
  return beijingDate(epochMs).slice(0, 7);
}

function beijingDate(epochMs: number): string {
  return new Date(epochMs + BEIJING_OFFSET_MS).toISOString();
}
