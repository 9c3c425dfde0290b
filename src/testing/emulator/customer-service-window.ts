import { type EmulatorClock } from './emulator-clock.js';

/** What the user did that lets the account send customer-service messages. */
export type EmulatorInteraction = 'message' | 'menu-click' | 'follow' | 'scan';

// https://developers.weixin.qq.com/doc/service/api/customer/message/api_sendcustommessage
// "各场景的客服消息下发规则": 用户发送消息 5条 48小时; 点击自定义菜单 3条 1分钟; 关注公众号 3条 1分钟;
// 扫描二维码 3条 1分钟.
const RULES: Record<EmulatorInteraction, { messages: number; windowMs: number }> = {
  message: { messages: 5, windowMs: 48 * 3_600_000 },
  'menu-click': { messages: 3, windowMs: 60_000 },
  follow: { messages: 3, windowMs: 60_000 },
  scan: { messages: 3, windowMs: 60_000 },
};

interface Grant {
  expiresAt: number;
  left: number;
}

/**
 * When the account may send customer-service messages, by the table above. The docs add that a
 * menu click "不会产生用户发送消息场景的客服消息下发额度": each kind of interaction opens its own grant.
 *
 * Choices where WeChat publishes no rule: a new interaction of a kind replaces that kind's grant
 * (fresh count and time); grants of different kinds add up, and a send uses the grant that
 * expires first. No live grant answers 45015, live grants all used up 45047.
 */
export class CustomerServiceWindow {
  private readonly grants = new Map<string, Map<EmulatorInteraction, Grant>>();

  constructor(private readonly clock: EmulatorClock) {}

  recordInteraction(openid: string, kind: EmulatorInteraction = 'message'): void {
    const rule = RULES[kind];
    if (!rule) throw new RangeError(`recordInteraction: unknown interaction ${String(kind)}`);
    const grants = this.grants.get(openid) ?? new Map<EmulatorInteraction, Grant>();
    grants.set(kind, { expiresAt: this.clock.now() + rule.windowMs, left: rule.messages });
    this.grants.set(openid, grants);
  }

  /** Uses one message of the user's grants: 0, 45015 (none open) or 45047 (used up). */
  take(openid: string): number {
    const now = this.clock.now();
    const live = [...(this.grants.get(openid)?.values() ?? [])]
      .filter((grant) => now < grant.expiresAt)
      .sort((a, b) => a.expiresAt - b.expiresAt);
    if (live.length === 0) return 45015;
    const grant = live.find((candidate) => candidate.left > 0);
    if (!grant) return 45047;
    grant.left -= 1;
    return 0;
  }
}
