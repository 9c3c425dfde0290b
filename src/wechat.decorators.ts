import { Inject } from '@nestjs/common';
import { CREDENTIAL_STORE } from './store/credential-store.interface.js';
import { WECHAT_OPTIONS } from './wechat.constants.js';

/** Injects the module's validated options (`ResolvedWeChatOptions`), defaults filled in. */
export const InjectWeChatOptions = (): PropertyDecorator & ParameterDecorator =>
  Inject(WECHAT_OPTIONS);

/** Injects the module's `CredentialStore` (memory, Redis, or the `store` you passed). */
export const InjectCredentialStore = (): PropertyDecorator & ParameterDecorator =>
  Inject(CREDENTIAL_STORE);
