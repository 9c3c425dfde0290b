import {
  Controller,
  type DynamicModule,
  type INestApplication,
  Injectable,
  type LoggerService,
  Module,
  Post,
  type Provider,
  Req,
} from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import express from 'express';
import {
  OnWeChatEvent,
  OnWeChatMessage,
  WeChatModule,
  type WeChatModuleOptions,
  type WeChatPush,
  WeChatReply,
  type TextMessage,
  type ScanEvent,
  type SubscribeEvent,
} from '../../src/index.js';

import { type Platform } from '../oauth/platforms.js';
import { APP_ID, APP_SECRET } from '../support/wechat-test-app.js';

export { type Platform, PLATFORMS } from '../oauth/platforms.js';

/** What an app may do about body parsing, which the push endpoint must survive. */
export type BodyParsing =
  | 'defaults'
  | 'rawBody'
  | 'no body parser'
  | 'global text parser'
  | 'global json parser for every type'
  | 'own xml parser';

export { APP_ID } from '../support/wechat-test-app.js';
export const PUSH_TOKEN = 'pushToken123';
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const PREVIOUS_AES_KEY = 'A'.repeat(43);

/** Every push the handlers saw, in order, and how many times each ran. */
export class HandlerLog {
  readonly calls: { handler: string; push: WeChatPush }[] = [];
  /** Milliseconds the text handler waits before it answers. */
  textDelayMs = 0;

  record(handler: string, push: WeChatPush): void {
    this.calls.push({ handler, push });
  }
}

@Injectable()
export class TestPushHandlers {
  constructor(private readonly log: HandlerLog) {}

  @OnWeChatMessage('text', 'help')
  help(message: TextMessage): string {
    this.log.record('help', message);
    return 'Commands: help, echo <text>';
  }

  @OnWeChatMessage('text', /^boom/)
  boom(message: TextMessage): string {
    this.log.record('boom', message);
    throw new Error(`the handler failed on purpose for ${message.Content}`);
  }

  @OnWeChatMessage('text')
  async echo(message: TextMessage): Promise<string> {
    this.log.record('echo', message);
    if (this.log.textDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.log.textDelayMs));
    }
    return `echo: ${message.Content}`;
  }

  @OnWeChatMessage('image')
  image(message: WeChatPush): unknown {
    this.log.record('image', message);
    return WeChatReply.image('MEDIA_ID_1');
  }

  @OnWeChatMessage()
  anyMessage(message: WeChatPush): undefined {
    this.log.record('anyMessage', message);
    return undefined;
  }

  @OnWeChatEvent('subscribe')
  subscribe(event: SubscribeEvent): string {
    this.log.record('subscribe', event);
    return event.scene ? `Welcome from ${event.scene}` : 'Welcome';
  }

  @OnWeChatEvent('SCAN')
  scan(event: ScanEvent): string {
    this.log.record('scan', event);
    return `Scanned ${event.scene}`;
  }

  @OnWeChatEvent('CLICK', 'V1001_TODAY_MUSIC')
  music(event: WeChatPush): unknown {
    this.log.record('music', event);
    return WeChatReply.music({ title: 'Song', thumbMediaId: 'THUMB_1' });
  }

  @OnWeChatEvent()
  anyEvent(event: WeChatPush): undefined {
    this.log.record('anyEvent', event);
    return undefined;
  }
}

/** Another route of the app, to show its body parsing is untouched. */
@Controller('echo-body')
class EchoBodyController {
  @Post()
  echo(@Req() request: { body?: unknown }): { type: string; body: unknown } {
    const body = request.body;
    return {
      type: Buffer.isBuffer(body) ? 'buffer' : typeof body,
      body: Buffer.isBuffer(body) ? body.toString() : body,
    };
  }
}

@Module({})
class PushTestAppModule {
  static register(
    options: WeChatModuleOptions,
    log: HandlerLog,
    providers: Provider[],
  ): DynamicModule {
    return {
      module: PushTestAppModule,
      imports: [WeChatModule.forRoot(options)],
      controllers: [EchoBodyController],
      providers: [{ provide: HandlerLog, useValue: log }, ...providers],
    };
  }
}

/** How the test app is set up besides its WeChatModule options. */
export interface PushAppSetup {
  parsing?: BodyParsing;
  globalPrefix?: string;
  logger?: LoggerService;
  /** The push handlers; default `TestPushHandlers`. */
  providers?: Provider[];
}

/** Options of an app with the push endpoint; `push` fields override the defaults. */
export function pushOptions(push: Partial<WeChatModuleOptions['push']> = {}): WeChatModuleOptions {
  return {
    appId: APP_ID,
    appSecret: APP_SECRET,
    apiBaseUrl: 'http://127.0.0.1:9',
    token: { prefetch: false },
    push: { token: PUSH_TOKEN, encodingAESKey: AES_KEY, ...push },
  };
}

/** The app on a loopback port, with `parsing` applied the way an app would. */
export async function startPushApp(
  platform: Platform,
  options: WeChatModuleOptions,
  setup: PushAppSetup = {},
): Promise<{ app: INestApplication; url: string; log: HandlerLog }> {
  const { parsing = 'defaults', globalPrefix } = setup;
  const logger: LoggerService | false = setup.logger ?? false;
  const log = new HandlerLog();
  const moduleRef = await Test.createTestingModule({
    imports: [PushTestAppModule.register(options, log, setup.providers ?? [TestPushHandlers])],
  }).compile();
  const appOptions = {
    logger,
    rawBody: parsing === 'rawBody',
    bodyParser: parsing !== 'no body parser',
  };
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), appOptions)
      : moduleRef.createNestApplication(appOptions);
  if (globalPrefix) app.setGlobalPrefix(globalPrefix);
  applyParsing(app, platform, parsing);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, log };
}

function applyParsing(app: INestApplication, platform: Platform, parsing: BodyParsing): void {
  if (platform === 'express') {
    if (parsing === 'global text parser') app.use(express.text({ type: '*/*' }));
    if (parsing === 'global json parser for every type') app.use(express.json({ type: '*/*' }));
    if (parsing === 'own xml parser')
      app.use(express.text({ type: ['text/xml', 'application/xml'] }));
    return;
  }
  const fastify = app.getHttpAdapter().getInstance() as {
    addContentTypeParser: (
      type: string | string[],
      options: { parseAs: 'string' },
      parser: (
        request: unknown,
        body: string,
        done: (e: Error | null, v?: unknown) => void,
      ) => void,
    ) => void;
  };
  if (parsing === 'global text parser') {
    fastify.addContentTypeParser('*', { parseAs: 'string' }, (_r, body, done) => done(null, body));
  }
  if (parsing === 'own xml parser' || parsing === 'global json parser for every type') {
    fastify.addContentTypeParser(
      ['text/xml', 'application/xml'],
      { parseAs: 'string' },
      (_r, body, done) => done(null, { parsedByTheApp: body.length }),
    );
  }
}
