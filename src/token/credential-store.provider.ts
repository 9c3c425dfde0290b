import { type Provider } from '@nestjs/common';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_OPTIONS } from '../wechat.constants.js';
import { CREDENTIAL_STORE, type CredentialStore } from './credential-store.interface.js';
import { MemoryCredentialStore } from './memory-credential-store.js';

/** The store in use: the caller's own, else process memory. */
export const credentialStoreProvider: Provider = {
  provide: CREDENTIAL_STORE,
  inject: [WECHAT_OPTIONS],
  useFactory: (options: ResolvedWeChatOptions): CredentialStore =>
    options.store ?? new MemoryCredentialStore(),
};
