import {
  type DynamicModule,
  type INestApplication,
  type LoggerService,
  type ModuleMetadata,
  type Type,
} from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { type WeChatModuleOptions } from '../../src/index.js';
import { OAuthTestAppModule } from './app.module.js';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

/** A Nest application of `metadata`'s testing module on `platform`, not yet listening. */
async function applicationOf(
  platform: Platform,
  metadata: ModuleMetadata,
  logger: LoggerService | false,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  return platform === 'fastify'
    ? moduleRef.createNestApplication(new FastifyAdapter(), { logger })
    : moduleRef.createNestApplication({ logger });
}

/** A Nest application of `module` on `platform`, not yet listening. */
export function createApp(
  platform: Platform,
  module: Type<unknown> | DynamicModule,
): Promise<INestApplication> {
  return applicationOf(platform, { imports: [module] }, false);
}

/**
 * An app of `metadata` (imports, controllers, providers) on `platform`, listening on a loopback
 * port; its origin as `url`. `logger` defaults to none.
 */
export async function startApp(
  platform: Platform,
  metadata: ModuleMetadata,
  logger: LoggerService | false = false,
): Promise<{ app: INestApplication; url: string }> {
  const app = await applicationOf(platform, metadata, logger);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://localhost:${address.port}` };
}

/** The fixture app on a real loopback socket; its origin as `url`. */
export function startOAuthApp(
  platform: Platform,
  options: WeChatModuleOptions,
): Promise<{ app: INestApplication; url: string }> {
  return startApp(platform, { imports: [OAuthTestAppModule.register(options)] });
}
