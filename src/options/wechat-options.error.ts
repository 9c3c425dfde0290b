/** Thrown at startup when `WeChatModule` options are invalid; names the option, never a secret. */
export class WeChatOptionsError extends Error {
  override readonly name = 'WeChatOptionsError';

  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`Invalid WeChatModule option ${option}: ${problem}`);
  }
}
