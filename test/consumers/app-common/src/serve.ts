import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { httpAdapter } from './platform.js';

/** Starts the app on `port` of the loopback interface. */
export async function serve(port: number): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, httpAdapter(), { logger: ['error', 'warn'] });
  await app.listen(port, '127.0.0.1');
  return app;
}
