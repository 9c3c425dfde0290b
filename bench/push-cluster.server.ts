import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OnWeChatMessage, type TextMessage, WeChatModule } from '../src/index.js';
import { BENCH_APP_ID, BENCH_APP_SECRET } from './bench-app.js';

// One instance of a push cluster: the endpoint with Redis (BENCH_PUSH_REDIS_PREFIX set) or with
// the process memory only, a fast text handler, and GET /runs counting its runs.
export const CLUSTER_PUSH_TOKEN = 'benchClusterToken01';

let runs = 0;

@Injectable()
class EchoHandler {
  @OnWeChatMessage('text')
  echo(message: TextMessage): string {
    runs++;
    return `You said: ${message.Content}`;
  }
}

@Controller()
class RunsController {
  @Get('runs')
  runs() {
    return { runs };
  }
}

const prefix = process.env.BENCH_PUSH_REDIS_PREFIX;

@Module({
  imports: [
    WeChatModule.forRoot({
      appId: BENCH_APP_ID,
      appSecret: BENCH_APP_SECRET,
      apiBaseUrl: 'http://127.0.0.1:9',
      token: { prefetch: false },
      ...(prefix && { redis: { url: process.env.BENCH_PUSH_REDIS_URL!, keyPrefix: prefix } }),
      push: { token: CLUSTER_PUSH_TOKEN },
    }),
  ],
  controllers: [RunsController],
  providers: [EchoHandler],
})
class BenchPushClusterModule {}

if (process.send) {
  const app = await NestFactory.create(BenchPushClusterModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  process.send({ port: (app.getHttpServer().address() as { port: number }).port });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
}
