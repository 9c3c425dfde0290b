import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WeChatAuth, WeChatModule, WeChatUser } from '../src/index.js';
import { BENCH_APP_ID, BENCH_APP_SECRET } from './bench-app.js';

// The app under load, in a process of its own so that the load generator does not share its CPU.
export const BENCH_SESSION_SECRET = 'bench-session-secret-0123456789abcdefghij';

@Controller()
class BenchController {
  @Get('bare')
  bare() {
    return { openid: 'o_bench_user_01' };
  }

  @Get('guarded')
  @WeChatAuth()
  guarded(@WeChatUser('openid') openid: string) {
    return { openid };
  }
}

@Module({
  imports: [
    WeChatModule.forRoot({
      appId: BENCH_APP_ID,
      appSecret: BENCH_APP_SECRET,
      // Never called: the guard's hot path needs no WeChat.
      apiBaseUrl: 'http://127.0.0.1:9',
      token: { prefetch: false },
      oauth: { sessionSecret: BENCH_SESSION_SECRET },
    }),
  ],
  controllers: [BenchController],
})
class BenchAppModule {}

if (process.send) {
  const app = await NestFactory.create(BenchAppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  process.send({ port: (app.getHttpServer().address() as { port: number }).port });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
}
