import { Inject, Injectable } from '@nestjs/common';
import { randomAlphanumeric } from '../common/random-alphanumeric.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { CREDENTIAL_STORE, type CredentialStore } from '../store/credential-store.interface.js';
import { WECHAT_OPTIONS } from '../wechat.constants.js';
import { isWebScope, type WebScope } from './oauth.types.js';

/** What the server remembers of an authorization it started, keyed by its `state`. */
export interface PendingAuthorization {
  /** The browser it was started for (the binding cookie's value). */
  browserId: string;
  /** Where to send the browser afterwards: a same-origin relative path. */
  returnTo: string;
  scope: WebScope;
}

/**
 * Issues OAuth `state` values and takes them back exactly once. They live in the shared store
 * (Redis when configured), so the callback may land on any instance.
 */
@Injectable()
export class OAuthStateKeeper {
  constructor(
    @Inject(WECHAT_OPTIONS) private readonly options: ResolvedWeChatOptions,
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
  ) {}

  async issue(pending: PendingAuthorization): Promise<string> {
    const state = randomAlphanumeric(32);
    const ttlMs = (this.options.oauth?.stateTtlSeconds ?? 600) * 1000;
    await this.store.putEntry(this.key(state), JSON.stringify(pending), ttlMs);
    return state;
  }

  /** The pending authorization of `state`, removed in the same step; undefined if none. */
  async consume(state: string): Promise<PendingAuthorization | undefined> {
    const json = await this.store.takeEntry(this.key(state));
    if (!json) return undefined;
    const pending = JSON.parse(json) as PendingAuthorization;
    return isWebScope(pending.scope) ? pending : undefined;
  }

  private key(state: string): string {
    return `${this.options.appId}:oauth-state:${state}`;
  }
}
