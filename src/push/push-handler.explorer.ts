import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ExternalContextCreator, MetadataScanner } from '@nestjs/core';
import { type ParamsFactory } from '@nestjs/core/helpers/external-context-creator.js';
import { type ResolvedModuleOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_MODULE_RESOLVED } from '../wechat.constants.js';
import {
  PUSH_ARGS_METADATA,
  PUSH_HANDLER_METADATA,
  PUSH_MESSAGE_PARAM,
  type PushSubscription,
} from './push-handler.decorators.js';
import { PushHandlerDirectory } from './push-handler.directory.js';
import { type PushHandler, PushHandlerError } from './push-handler.table.js';

/** The Nest context type push handlers run in: `host.getType() === 'wechat'` in guards and filters. */
export const WECHAT_CONTEXT_TYPE = 'wechat';

// `@WeChatPushMessage()` receives the push, the first argument the handler is called with.
const pushParams: ParamsFactory = {
  exchangeKeyForValue: (type, _data, args: unknown[]) =>
    type === PUSH_MESSAGE_PARAM ? args[0] : undefined,
};

/**
 * Finds the `@OnWeChatMessage()` / `@OnWeChatEvent()` methods of every provider and controller
 * at start-up and gives them to the receiver, each wrapped so that Nest's guards, interceptors,
 * pipes and exception filters apply (as `@golevelup/nestjs-rabbitmq` does).
 */
@Injectable()
export class PushHandlerExplorer implements OnModuleInit {
  private readonly logger = new Logger('WeChat:push');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly contexts: ExternalContextCreator,
    @Inject(WECHAT_MODULE_RESOLVED) private readonly options: ResolvedModuleOptions,
  ) {}

  private directory = PushHandlerDirectory.empty();

  /** The handlers found at start-up, by account. */
  get handlers(): PushHandlerDirectory {
    return this.directory;
  }

  onModuleInit(): void {
    const handlers = this.discover();
    const { accounts, accountDefaults } = this.options;
    const receives = accounts.some((a) => a.push) || accountDefaults.push !== undefined;
    if (!receives) {
      if (handlers.length > 0) {
        this.logger.warn(
          `${handlers.map((h) => h.name).join(', ')} subscribe to pushes, but WeChatModule has no push option: nothing will call them`,
        );
      }
      return;
    }
    this.directory = new PushHandlerDirectory(handlers, (message) => this.logger.warn(message));
    this.warnOfUnknownAccounts();
  }

  // A handler for an account the module does not list may be a typo (or an account of the source).
  private warnOfUnknownAccounts(): void {
    const { accounts, source } = this.options;
    if (source) return;
    const known = new Set(accounts.flatMap((a) => [a.name, a.appId]));
    const unknown = this.directory.accountNames.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      this.logger.warn(
        `Push handlers are meant for ${unknown.map((n) => JSON.stringify(n)).join(', ')}, which WeChatModule does not list: nothing will call them`,
      );
    }
  }

  private discover(): PushHandler[] {
    const handlers: PushHandler[] = [];
    const seen = new Set<object>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      if (!wrapper.isDependencyTreeStatic()) {
        this.refuseScoped(wrapper.metatype);
        continue;
      }
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const target = (instance as Record<string, unknown>)[method];
        if (typeof target !== 'function') continue;
        const subscriptions: PushSubscription[] | undefined = Reflect.getMetadata(
          PUSH_HANDLER_METADATA,
          target,
        );
        if (!subscriptions) continue;
        const name = `${instance.constructor.name}.${method}`;
        const invoke = this.contexts.create(
          instance,
          target as (...args: unknown[]) => unknown,
          method,
          PUSH_ARGS_METADATA,
          pushParams,
          undefined,
          undefined,
          undefined,
          WECHAT_CONTEXT_TYPE,
        );
        for (const subscription of subscriptions) {
          handlers.push({ name, subscription, invoke: (push, account) => invoke(push, account) });
        }
      }
    }
    return handlers;
  }

  // A request- or transient-scoped provider has no one instance a push could be handed to.
  private refuseScoped(metatype: unknown): void {
    if (typeof metatype !== 'function' || !metatype.prototype) return;
    const prototype = metatype.prototype as Record<string, unknown>;
    for (const method of this.scanner.getAllMethodNames(prototype)) {
      const target = prototype[method];
      if (typeof target === 'function' && Reflect.hasMetadata(PUSH_HANDLER_METADATA, target)) {
        throw new PushHandlerError(
          `${metatype.name}.${method} handles pushes, but ${metatype.name} is request- or transient-scoped (or depends on one): push handlers must live on a singleton provider`,
        );
      }
    }
  }
}
