import 'reflect-metadata';
import { type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, NestFactory } from '@nestjs/core';
import { type WeChatAccount, WeChatAccounts, WeChatModule } from '../src/index.js';
import { RefreshScheduler } from '../src/token/refresh-scheduler.js';
import { fakeSecretOf } from './fake-token-server.js';

/** How one bench process holds its accounts. */
export interface AccountsAppConfig {
  /** `accounts`: one module listing them all; `modules`: one `forRoot({ appId })` per account. */
  form: 'accounts' | 'modules';
  count: number;
  /** Makes this run's appIds its own (see `benchAppIds`). */
  tag: string;
  apiBaseUrl: string;
  redisUrl: string;
  keyPrefix: string;
  prefetch: boolean;
  refreshAheadSeconds?: number;
  refreshesPerSecond?: number;
}

/** `count` appIds shaped like WeChat's (`wx` and 16 hex digits), unique to `tag` (6 hex digits). */
export function benchAppIds(tag: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `wx${tag}${i.toString(16).padStart(10, '0')}`);
}

/** The app's root module: the accounts in the configured form. */
export function accountsRootModule(config: AccountsAppConfig): DynamicModule {
  const shared = {
    apiBaseUrl: config.apiBaseUrl,
    redis: { url: config.redisUrl, keyPrefix: config.keyPrefix },
    token: { prefetch: config.prefetch, refreshAheadSeconds: config.refreshAheadSeconds },
  };
  const accounts = benchAppIds(config.tag, config.count).map((appId) => ({
    appId,
    appSecret: fakeSecretOf(appId),
  }));
  const modules =
    config.form === 'accounts'
      ? [
          WeChatModule.forRoot({
            ...shared,
            accounts,
            refreshesPerSecond: config.refreshesPerSecond,
          }),
        ]
      : accounts.map((account) =>
          WeChatModule.forRoot({
            ...shared,
            ...account,
            refreshesPerSecond: config.refreshesPerSecond,
          }),
        );
  class AccountsBenchRoot {}
  return { module: AccountsBenchRoot, imports: [DiscoveryModule, ...modules] };
}

/** The started app, and what every WeChatModule in it holds. */
export class AccountsApp {
  private constructor(private readonly app: INestApplicationContext) {}

  static async start(root: DynamicModule): Promise<AccountsApp> {
    return new AccountsApp(await NestFactory.createApplicationContext(root, { logger: false }));
  }

  /** Every account of every WeChatModule, in the order listed. */
  accounts(): WeChatAccount[] {
    return this.instancesOf(WeChatAccounts).flatMap((accounts) => accounts.list());
  }

  /** The refresh scheduler of every WeChatModule (one per module). */
  schedulers(): RefreshScheduler[] {
    return this.instancesOf(RefreshScheduler);
  }

  close(): Promise<void> {
    return this.app.close();
  }

  private instancesOf<T>(type: abstract new (...args: never[]) => T): T[] {
    return this.app
      .get(DiscoveryService)
      .getProviders()
      .filter((wrapper) => wrapper.metatype === type)
      .map((wrapper) => wrapper.instance as T);
  }
}
