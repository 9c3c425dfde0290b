/** Thrown by a conformance check when the store under test breaks one of the rules. */
export class CredentialStoreRuleBroken extends Error {
  override readonly name = 'CredentialStoreRuleBroken';

  constructor(
    readonly rule: string,
    detail: string,
  ) {
    super(`The store breaks "${rule}": ${detail}`);
  }
}
