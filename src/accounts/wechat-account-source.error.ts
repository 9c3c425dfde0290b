/**
 * The `accountSource` could not say which account a key is: it threw or did not answer in time
 * (`unavailable`: a 503 for the request), or it answered an account that is not valid or not the
 * one asked for (`invalid`: the app's configuration, a 500 and a log line).
 */
export class WeChatAccountSourceError extends Error {
  override readonly name = 'WeChatAccountSourceError';

  constructor(
    readonly account: string,
    readonly kind: 'unavailable' | 'invalid',
    problem: string,
  ) {
    super(`accountSource.find(${JSON.stringify(account)}): ${problem}`);
  }
}
