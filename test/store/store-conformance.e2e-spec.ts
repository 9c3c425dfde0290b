import { describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { type StoredCredential } from '../../src/store/credential-store.interface.js';
import { MemoryCredentialStore } from '../../src/store/memory-credential-store.js';
import { RedisCredentialStore } from '../../src/store/redis-credential-store.js';
import { ResilientCredentialStore } from '../../src/store/resilient-credential-store.js';
import {
  checkCredentialStoreRule,
  CredentialStoreRuleBroken,
  credentialStoreRules,
  describeCredentialStore,
} from '../../src/testing/index.js';
import { REDIS_URL } from '../support/redis.js';
import { sharedStoreHarness } from '../support/shared-store-harness.js';

// Waiters must be woken by the change notice: a poll this slow cannot stand in for it.
const connectRedis = (keyPrefix: string) =>
  RedisCredentialStore.connect(
    { url: REDIS_URL, keyPrefix, operationTimeoutMs: 1000, pollIntervalMs: 60_000 },
    2000,
  );

describeCredentialStore(
  'MemoryCredentialStore',
  { describe, it },
  { create: async () => new MemoryCredentialStore() },
);

describeCredentialStore(
  'RedisCredentialStore (real Redis)',
  { describe, it },
  sharedStoreHarness(connectRedis),
);

describeCredentialStore(
  'ResilientCredentialStore over real Redis',
  { describe, it },
  sharedStoreHarness(
    async (prefix) => new ResilientCredentialStore(await connectRedis(prefix), new Logger('store')),
  ),
);

// Stores that each break one rule: the suite must say which.
class OlderOverwritesNewer extends MemoryCredentialStore {
  override async set(key: string, credential: StoredCredential): Promise<void> {
    const current = await this.get(key);
    if (current) await this.deleteIfValue(key, current.value);
    await super.set(key, credential);
  }
}

class DeletesWhateverIsStored extends MemoryCredentialStore {
  override async deleteIfValue(key: string): Promise<boolean> {
    const current = await this.get(key);
    return current ? super.deleteIfValue(key, current.value) : false;
  }
}

class TakesWithoutRemoving extends MemoryCredentialStore {
  override async takeEntry(key: string): Promise<string | undefined> {
    const value = await super.takeEntry(key);
    if (value !== undefined) await this.putEntry(key, value, 60_000);
    return value;
  }
}

const broken = [
  ['newer wins', OlderOverwritesNewer],
  ['compare-and-expire', DeletesWhateverIsStored],
  ['atomic take', TakesWithoutRemoving],
] as const;

describe('the conformance suite catches a broken store', () => {
  it.each(broken)('"%s" fails for a store that breaks it', async (name, BrokenStore) => {
    const rule = credentialStoreRules().find((candidate) => candidate.rule.startsWith(name))!;
    const failure = checkCredentialStoreRule(rule, { create: async () => new BrokenStore() });
    await expect(failure).rejects.toThrow(CredentialStoreRuleBroken);
    await expect(failure).rejects.toThrow(`The store breaks "${rule.rule}"`);
  });

  it.each(broken)('"%s" is the only rule that store fails', async (name, BrokenStore) => {
    const failed: string[] = [];
    for (const rule of credentialStoreRules()) {
      await checkCredentialStoreRule(rule, { create: async () => new BrokenStore() }).catch(() =>
        failed.push(rule.rule),
      );
    }
    expect(failed).toEqual([expect.stringMatching(new RegExp(`^${name}`))]);
  });
});
