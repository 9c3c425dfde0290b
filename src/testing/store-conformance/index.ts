export { type CredentialStoreHarness, type StoresUnderTest } from './credential-store-harness.js';
export { type CredentialStoreRule, credentialStoreRules } from './credential-store-rules.js';
export {
  checkCredentialStoreRule,
  describeCredentialStore,
  type TestFunctions,
} from './describe-credential-store.js';
export { CredentialStoreRuleBroken } from './rule-broken.error.js';
