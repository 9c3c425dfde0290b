import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { setUpChat } from './chat-setup.js';
import { connectWeChat } from './wechat-connection.js';

async function main(): Promise<void> {
  const logger = new Logger('Example');
  const connection = await connectWeChat(process.env);
  const app = await NestFactory.create(AppModule.register(connection));
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  // localhost is on the emulator's web-authorization domains (its default oauthDomains).
  await app.listen(port, process.env.HOST ?? '127.0.0.1');
  await setUpChat(app, connection, `http://localhost:${port}`);
  logger.log(`Talking to ${connection.describe}`);
  logger.log(`Open http://localhost:${port}/ in a browser`);

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await connection.emulator?.close();
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
