import { type WeChatClock } from '../clock/wechat-clock.js';

const DOWN_FOR_MS = 30_000;

/**
 * The order in which to try the API hosts: configured order, except that a host which just
 * failed to answer goes last for a while, so calls do not each wait for a dead primary.
 */
export class HostSelector {
  private readonly downUntil = new Map<string, number>();

  constructor(
    private readonly hosts: readonly string[],
    private readonly clock: WeChatClock,
  ) {}

  order(): string[] {
    if (this.downUntil.size === 0) return [...this.hosts];
    const now = this.clock.now();
    const up = this.hosts.filter((host) => (this.downUntil.get(host) ?? 0) <= now);
    const down = this.hosts.filter((host) => !up.includes(host));
    return [...up, ...down];
  }

  markDown(host: string): void {
    this.downUntil.set(host, this.clock.now() + DOWN_FOR_MS);
  }

  markUp(host: string): void {
    this.downUntil.delete(host);
  }
}
