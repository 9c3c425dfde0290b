/** Thrown at startup when `WeChatModule` options are invalid; names the option, never a secret. */
export class WeChatOptionsError extends Error {
  override readonly name = 'WeChatOptionsError';

  constructor(
    readonly option: string,
    readonly problem: string,
  ) {
    super(`Invalid WeChatModule option ${option}: ${problem}`);
  }

  /** The same problem, named from where the option sits (`accounts[2]` + `push.token`). */
  within(location: string): WeChatOptionsError {
    return new WeChatOptionsError(`${location}.${this.option}`, this.problem);
  }
}
