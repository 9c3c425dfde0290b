import { describe, expect, it } from '@jest/globals';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { type CredentialStore } from '../store/credential-store.interface.js';
import { MemoryCredentialStore } from '../store/memory-credential-store.js';
import { StoreRefusedError } from '../store/store-refused.error.js';
import { TestClock } from '../testing/test-clock.js';
import { OAuthStateKeeper } from './oauth-state.keeper.js';

function keeperOn(store: CredentialStore, clock: TestClock): OAuthStateKeeper {
  return new OAuthStateKeeper(
    { appId: 'wx_app', clock } as unknown as ResolvedWeChatOptions,
    store,
  );
}

describe('OAuthStateKeeper', () => {
  it('spends a state once, until it expires', async () => {
    const clock = new TestClock(1_000_000, { frozen: true });
    const keeper = keeperOn(new MemoryCredentialStore(clock), clock);
    expect(await keeper.spend('S1', clock.now() + 1000)).toBe(true);
    expect(await keeper.spend('S1', clock.now() + 1000)).toBe(false);
    expect(await keeper.spend('S2', clock.now() + 1000)).toBe(true);
  });

  it('still spends a state once when the store refuses writes (a full Redis)', async () => {
    const clock = new TestClock(1_000_000, { frozen: true });
    const full = new MemoryCredentialStore(clock);
    full.acquireLock = () =>
      Promise.reject(
        new StoreRefusedError('EVAL', "OOM command not allowed when used memory > 'maxmemory'."),
      );
    const keeper = keeperOn(full, clock);
    expect(await keeper.spend('S1', clock.now() + 1000)).toBe(true);
    expect(await keeper.spend('S1', clock.now() + 1000)).toBe(false);
  });
});
