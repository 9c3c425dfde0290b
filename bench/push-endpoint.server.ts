import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express, { type RequestHandler } from 'express';
import { type Server } from 'node:http';
import { createRequire } from 'node:module';
import { OnWeChatMessage, type TextMessage, WeChatModule } from '../src/index.js';
import { BENCH_APP_ID, BENCH_APP_SECRET } from './bench-app.js';

// Two apps under load in a process of their own (the load generator does not share its CPU):
// nestjs-wechat's push endpoint and the `wechat` package's middleware in a bare Express app, both
// at PUSH_PATH with one token and key, each counting the pushes its handler ran.
export const PUSH_TOKEN = 'benchPushToken0123';
export const AES_KEY = 'benchAesKey0123456789abcdefghijklmnopqrstuv';
export const PUSH_PATH = '/wechat/push';

const handled = { nest: 0, peer: 0 };

@Injectable()
class EchoHandler {
  @OnWeChatMessage('text')
  echo(message: TextMessage): string {
    handled.nest++;
    return `You said: ${message.Content}`;
  }
}

@Controller()
class HandledController {
  @Get('handled')
  handled() {
    return { handled: handled.nest };
  }
}

@Module({
  imports: [
    WeChatModule.forRoot({
      appId: BENCH_APP_ID,
      appSecret: BENCH_APP_SECRET,
      // Never called: answering a push needs no WeChat API.
      apiBaseUrl: 'http://127.0.0.1:9',
      token: { prefetch: false },
      // Every push is distinct, so none is a retry. With the default 60 s window the memo would
      // carry the earlier rounds' pushes (up to its 100k cap) into later ones, so each round's
      // cost would depend on the order of the rounds; 1 s keeps a steady memo of ~1 s of traffic.
      push: { token: PUSH_TOKEN, encodingAESKey: AES_KEY, retryWindowSeconds: 1 },
    }),
  ],
  controllers: [HandledController],
  providers: [EchoHandler],
})
class BenchPushModule {}

type PeerRequest = Parameters<RequestHandler>[0] & { weixin: Record<string, string> };
type PeerResponse = Parameters<RequestHandler>[1] & { reply(content: string): void };
type PeerMiddleware = (
  config: { token: string; appid: string; encodingAESKey: string },
  handler: (req: PeerRequest, res: PeerResponse) => void,
) => RequestHandler;

/**
 * The `wechat` package (CommonJS, untyped) as its README mounts it, with the same handler. It does
 * a little less per push: it never compares the decrypted appId with its own.
 */
function peerApp(): express.Express {
  const wechat = createRequire(import.meta.url)('wechat') as PeerMiddleware;
  const app = express();
  app.use(
    PUSH_PATH,
    wechat({ token: PUSH_TOKEN, appid: BENCH_APP_ID, encodingAESKey: AES_KEY }, (req, res) => {
      handled.peer++;
      res.reply(`You said: ${req.weixin.Content}`);
    }),
  );
  app.get('/handled', (_req, res) => void res.json({ handled: handled.peer }));
  return app;
}

if (process.send) {
  const nest = await NestFactory.create(BenchPushModule, { logger: false });
  await nest.listen(0, '127.0.0.1');
  const peer = await new Promise<Server>((resolve) => {
    const server = peerApp().listen(0, '127.0.0.1', () => resolve(server));
  });
  const portOf = (server: Server) => (server.address() as { port: number }).port;
  process.send({ nestPort: portOf(nest.getHttpServer()), peerPort: portOf(peer) });
  process.on('disconnect', () => {
    peer.close();
    void nest.close().then(() => process.exit(0));
  });
}
