import { type EmulatorClock } from './emulator-clock.js';
import { type TokenAuthority } from './token-authority.js';

/** One endpoint's line of `openapi/quota/get`. */
export interface QuotaReport {
  quota: { daily_limit: number; used: number; remain: number };
  rate_limit: { call_count: number; refresh_second: number };
  component_rate_limit: { call_count: number; refresh_second: number };
}

/**
 * Daily limits of the endpoints the emulator serves, of the size WeChat's frequency table gives
 * (the real ones depend on the account and grow with its followers). Reported, not enforced:
 * only the token endpoints refuse calls past their quota (45009).
 */
const DAILY_LIMITS: Record<string, number> = {
  '/cgi-bin/ticket/getticket': 100_000,
  '/cgi-bin/get_api_domain_ip': 10_000,
  '/cgi-bin/getcallbackip': 10_000,
  '/cgi-bin/user/info': 5_000_000,
  '/cgi-bin/user/info/batchget': 5_000_000,
  '/cgi-bin/user/get': 500,
  '/cgi-bin/user/info/updateremark': 10_000,
  '/cgi-bin/tags/create': 100_000,
  '/cgi-bin/tags/get': 100_000,
  '/cgi-bin/tags/update': 100_000,
  '/cgi-bin/tags/delete': 100_000,
  '/cgi-bin/tags/getidlist': 100_000,
  '/cgi-bin/user/tag/get': 100_000,
  '/cgi-bin/tags/members/batchtagging': 100_000,
  '/cgi-bin/tags/members/batchuntagging': 100_000,
  '/cgi-bin/message/template/send': 100_000,
  '/cgi-bin/message/custom/send': 500_000,
  '/cgi-bin/message/subscribe/bizsend': 100_000,
  '/cgi-bin/menu/create': 1_000,
  '/cgi-bin/menu/get': 10_000,
  '/cgi-bin/menu/delete': 1_000,
  '/cgi-bin/get_current_selfmenu_info': 10_000,
  '/cgi-bin/qrcode/create': 100_000,
  '/cgi-bin/media/upload': 100_000,
  '/cgi-bin/media/get': 200_000,
};
const CLEARS_PER_MONTH = 10;
type RateLimit = QuotaReport['rate_limit'];
// 0 and 0: no per-minute limit. stable_token's 10,000 a minute is documented.
const NO_RATE_LIMIT: RateLimit = { call_count: 0, refresh_second: 0 };
const STABLE_RATE_LIMIT: RateLimit = { call_count: 10_000, refresh_second: 60 };

/**
 * Call counts per endpoint and quota day (every request counts, refused ones too, as for the
 * token quota), what `openapi/quota/get` reports, and `clear_quota`'s 10 clears a month.
 */
export class ApiQuotas {
  private readonly used = new Map<string, number>();
  private day?: string;
  private month?: string;
  private clears = 0;

  constructor(
    private readonly clock: EmulatorClock,
    private readonly tokens: TokenAuthority,
    private readonly tokenLimits: { token: number; stable: number },
  ) {}

  /** Counts a request to `path` (the router calls this for every request). */
  record(path: string): void {
    if (!Object.hasOwn(DAILY_LIMITS, path)) return;
    this.rollDay();
    this.used.set(path, (this.used.get(path) ?? 0) + 1);
  }

  /** The quota line of `cgiPath`, or undefined for a path WeChat would not know (76021). */
  report(cgiPath: string): QuotaReport | undefined {
    const line = this.line(cgiPath);
    if (!line) return undefined;
    const { limit, used, rate = NO_RATE_LIMIT } = line;
    return {
      quota: { daily_limit: limit, used, remain: Math.max(0, limit - used) },
      rate_limit: rate,
      component_rate_limit: NO_RATE_LIMIT,
    };
  }

  /** `clear_quota`: today's counts start again; false once this month's 10 clears are used. */
  clear(): boolean {
    const month = this.clock.quotaMonth();
    if (month !== this.month) {
      this.month = month;
      this.clears = 0;
    }
    if (this.clears >= CLEARS_PER_MONTH) return false;
    this.clears += 1;
    this.used.clear();
    this.tokens.clearQuota();
    return true;
  }

  private line(cgiPath: string): { limit: number; used: number; rate?: RateLimit } | undefined {
    if (cgiPath === '/cgi-bin/token') {
      return { limit: this.tokenLimits.token, used: this.tokens.tokenCallsToday() };
    }
    if (cgiPath === '/cgi-bin/stable_token') {
      const used = this.tokens.stableCallsToday();
      return { limit: this.tokenLimits.stable, used, rate: STABLE_RATE_LIMIT };
    }
    if (!Object.hasOwn(DAILY_LIMITS, cgiPath)) return undefined;
    this.rollDay();
    return { limit: DAILY_LIMITS[cgiPath], used: this.used.get(cgiPath) ?? 0 };
  }

  private rollDay(): void {
    const day = this.clock.quotaDay();
    if (day === this.day) return;
    this.day = day;
    this.used.clear();
  }
}
