/** Thrown when no account has the name or appId asked for (neither listed nor from the source). */
export class WeChatAccountNotFoundError extends Error {
  override readonly name = 'WeChatAccountNotFoundError';

  constructor(readonly account: string) {
    super(`No WeChat account is called ${JSON.stringify(account)} (by name or appId)`);
  }
}
