/**
 * One-time subscriptions (订阅通知): each time a user accepts a template, the account may send
 * that user one notification of it. Grants add up and are used one per message.
 */
export class SubscriptionGrants {
  private readonly grants = new Map<string, number>();

  grant(openid: string, templateId: string): void {
    const key = `${openid}\n${templateId}`;
    this.grants.set(key, (this.grants.get(key) ?? 0) + 1);
  }

  /** Uses one grant; false when the user has none left for this template. */
  take(openid: string, templateId: string): boolean {
    const key = `${openid}\n${templateId}`;
    const left = this.grants.get(key) ?? 0;
    if (left === 0) return false;
    this.grants.set(key, left - 1);
    return true;
  }
}
