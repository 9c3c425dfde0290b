import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { type WeChatModuleOptions } from '../../src/index.js';
import { OAuthTestAppModule } from './app.module.js';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

/** A Nest application of `module` on `platform`, not yet listening. */
export async function createApp(
  platform: Platform,
  module: Type<unknown> | DynamicModule,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  return platform === 'fastify'
    ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
    : moduleRef.createNestApplication({ logger: false });
}

/** The fixture app on a real loopback socket; its origin as `url`. */
export async function startOAuthApp(
  platform: Platform,
  options: WeChatModuleOptions,
): Promise<{ app: INestApplication; url: string }> {
  const app = await createApp(platform, OAuthTestAppModule.register(options));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://localhost:${address.port}` };
}
