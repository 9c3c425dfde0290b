import { Logger, type Provider } from '@nestjs/common';
import { type ResolvedSharedOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_SHARED_OPTIONS } from '../wechat.constants.js';
import { CREDENTIAL_STORE, type CredentialStore } from './credential-store.interface.js';
import { MemoryCredentialStore } from './memory-credential-store.js';
import { RedisCredentialStore } from './redis-credential-store.js';
import { ResilientCredentialStore } from './resilient-credential-store.js';

/** The store in use: the caller's own, else Redis when configured, else process memory. */
export const credentialStoreProvider: Provider = {
  provide: CREDENTIAL_STORE,
  inject: [WECHAT_SHARED_OPTIONS],
  useFactory: async (options: ResolvedSharedOptions): Promise<CredentialStore> => {
    if (options.store) return options.store;
    const { clock } = options;
    if (!options.redis) return new MemoryCredentialStore(clock);
    const { topology, keyPrefix, operationTimeoutMs, connectTimeoutMs } = options.redis;
    const redis = await RedisCredentialStore.connect(
      {
        topology,
        keyPrefix,
        operationTimeoutMs,
        pollIntervalMs: 500,
        clock,
      },
      connectTimeoutMs,
    );
    return new ResilientCredentialStore(redis, new Logger('WeChat:store'), clock);
  },
};
