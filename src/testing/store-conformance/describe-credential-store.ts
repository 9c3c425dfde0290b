import { type CredentialStore } from '../../store/credential-store.interface.js';
import { type CredentialStoreHarness, withStores } from './credential-store-harness.js';
import { type CredentialStoreRule, credentialStoreRules } from './credential-store-rules.js';

/** The `describe` and `it` of Jest, Vitest or `node:test`. */
export interface TestFunctions {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
}

/** Runs one rule against fresh stores from `harness`; rejects if the store breaks it. */
export function checkCredentialStoreRule<S extends CredentialStore>(
  rule: CredentialStoreRule,
  harness: CredentialStoreHarness<S>,
): Promise<void> {
  return withStores(harness, (stores) => rule.check(stores));
}

/** Declares one test per rule of `credentialStoreRules()` for the store `harness` opens. */
export function describeCredentialStore<S extends CredentialStore>(
  name: string,
  { describe, it }: TestFunctions,
  harness: CredentialStoreHarness<S>,
): void {
  describe(name, () => {
    for (const rule of credentialStoreRules()) {
      it(rule.rule, () => checkCredentialStoreRule(rule, harness));
    }
  });
}
