import { type EmulatorClock } from './emulator-clock.js';

const WINDOW_MS = 48 * 3_600_000;
const MESSAGES_PER_INTERACTION = 5;

/**
 * When the account may send customer-service messages: within 48 hours of the user's last
 * interaction (a message, a menu click, a scan...). Choice where WeChat publishes no number:
 * at most 5 messages per interaction, counted from the latest one; a new interaction opens a new
 * window with a fresh count.
 */
export class CustomerServiceWindow {
  private readonly windows = new Map<string, { openedAt: number; sent: number }>();

  constructor(private readonly clock: EmulatorClock) {}

  recordInteraction(openid: string): void {
    this.windows.set(openid, { openedAt: this.clock.now(), sent: 0 });
  }

  /** Uses one message of the user's window: 0, 45015 (no open window) or 45047 (used up). */
  take(openid: string): number {
    const window = this.windows.get(openid);
    if (!window || this.clock.now() - window.openedAt >= WINDOW_MS) return 45015;
    if (window.sent >= MESSAGES_PER_INTERACTION) return 45047;
    window.sent += 1;
    return 0;
  }
}
