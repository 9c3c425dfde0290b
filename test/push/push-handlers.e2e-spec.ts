import {
  type ArgumentsHost,
  type CallHandler,
  Catch,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  Injectable,
  type LoggerService,
  type NestInterceptor,
  type PipeTransform,
  Scope,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import {
  OnWeChatMessage,
  PushHandlerError,
  type TextMessage,
  WECHAT_CONTEXT_TYPE,
  WeChatPushMessage,
  WeChatReply,
} from '../../src/index.js';
import {
  AES_KEY,
  APP_ID,
  HandlerLog,
  PLATFORMS,
  pushOptions,
  startPushApp,
  TestPushHandlers,
} from './push-test-app.js';
import { openReply, post, signedPush, textMessage } from './push-requests.js';

class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(): void {}
  warn(message: unknown): void {
    this.lines.push(`warn ${String(message)}`);
  }
  error(message: unknown, stack?: unknown): void {
    this.lines.push(`error ${String(message)} ${String(stack ?? '')}`);
  }
}

const contextTypes: string[] = [];

@Injectable()
class OnlyPoliteText implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    contextTypes.push(context.getType());
    const message = context.getArgByIndex<TextMessage>(0);
    return !message.Content.includes('rude');
  }
}

@Injectable()
class Shout implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(map((reply) => (typeof reply === 'string' ? reply.toUpperCase() : reply)));
  }
}

@Catch()
class ApologyFilter implements ExceptionFilter {
  catch(_error: unknown, host: ArgumentsHost): unknown {
    contextTypes.push(host.getType());
    return WeChatReply.text('Sorry, something went wrong');
  }
}

class TrimContent implements PipeTransform {
  transform(message: TextMessage): TextMessage {
    return { ...message, Content: message.Content.trim().replace(/\s+/g, ' ') };
  }
}

@Injectable()
class EnhancedHandlers {
  constructor(private readonly log: HandlerLog) {}

  @OnWeChatMessage('text', /^guarded/)
  @UseGuards(OnlyPoliteText)
  guarded(message: TextMessage): string {
    this.log.record('guarded', message);
    return 'you may pass';
  }

  @OnWeChatMessage('text', /^shout/)
  @UseInterceptors(Shout)
  shout(message: TextMessage): string {
    return message.Content;
  }

  @OnWeChatMessage('text', /^fail/)
  @UseFilters(ApologyFilter)
  fail(): string {
    throw new Error('failed on purpose');
  }

  @OnWeChatMessage('text', /^number/)
  number(): unknown {
    return 42;
  }

  @OnWeChatMessage('text', /^squeeze/)
  @UsePipes(TrimContent)
  squeeze(@WeChatPushMessage() message: TextMessage): string {
    return `[${message.Content}]`;
  }
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedHandlers {
  @OnWeChatMessage('text')
  text(): string {
    return 'scoped';
  }
}

@Injectable()
class AmbiguousHandlers {
  @OnWeChatMessage('text')
  one(): string {
    return 'one';
  }

  @OnWeChatMessage('text')
  two(): string {
    return 'two';
  }
}

describe.each(PLATFORMS)('push handlers on %s', (platform) => {
  async function send(url: string, content: string, message = textMessage(content)) {
    const push = signedPush(message, { mode: 'safe', format: 'xml', appId: APP_ID, key: AES_KEY });
    const answer = await post(`${url}/wechat/push`, push);
    expect(answer.status).toBe(200);
    return answer.text === 'success' ? 'success' : openReply(answer.text, 'xml', AES_KEY);
  }

  describe('replies and failures', () => {
    let started: Awaited<ReturnType<typeof startPushApp>>;
    const logger = new RecordingLogger();

    beforeAll(async () => {
      started = await startPushApp(platform, pushOptions(), {
        logger,
        providers: [TestPushHandlers, EnhancedHandlers],
      });
    });
    afterAll(() => started.app.close());
    beforeEach(() => {
      logger.lines.length = 0;
      started.log.calls.length = 0;
    });

    it('answers "success" when a handler throws, and logs its type and id, not the content', async () => {
      const message = textMessage('boom secret words');
      expect(await send(started.url, '', message)).toBe('success');
      expect(started.log.calls.map((c) => c.handler)).toEqual(['boom']);
      const line = logger.lines.find((l) => l.startsWith('error TestPushHandlers.boom failed'));
      expect(line).toContain(`text message (MsgId ${String(message.MsgId)})`);
      expect(line!.split(' Error:')[0]).not.toContain('secret words');
    });

    it('applies guards, with the wechat context type; a refused push is answered "success"', async () => {
      contextTypes.length = 0;
      expect(await send(started.url, 'guarded please')).toMatchObject({ Content: 'you may pass' });
      expect(await send(started.url, 'guarded rude')).toBe('success');
      expect(started.log.calls.map((c) => c.handler)).toEqual(['guarded']);
      expect(contextTypes).toEqual([WECHAT_CONTEXT_TYPE, WECHAT_CONTEXT_TYPE]);
    });

    it('applies interceptors, exception filters (their value is the reply) and pipes', async () => {
      contextTypes.length = 0;
      expect(await send(started.url, 'shout hello')).toMatchObject({ Content: 'SHOUT HELLO' });
      expect(await send(started.url, 'fail now')).toMatchObject({
        Content: 'Sorry, something went wrong',
      });
      expect(contextTypes).toEqual([WECHAT_CONTEXT_TYPE]);
      expect(await send(started.url, '  squeeze   a   b ')).toMatchObject({
        Content: '[squeeze a b]',
      });
    });

    it('answers "success" for a return value that is not a reply, and says why', async () => {
      expect(await send(started.url, 'number please')).toBe('success');
      const line = logger.lines.find((l) => l.includes('EnhancedHandlers.number returned'));
      expect(line).toMatch(/not a reply on text message \(MsgId \d+\)/);
    });

    it('sends a built reply of another type', async () => {
      const image = {
        ...textMessage(''),
        MsgType: 'image',
        PicUrl: 'http://x/y.png',
        MediaId: 'm',
      };
      delete (image as Record<string, unknown>).Content;
      const reply = await send(started.url, '', image);
      expect(reply).toMatchObject({ MsgType: 'image', Image: { MediaId: 'MEDIA_ID_1' } });
    });

    it('runs a push once for its retries, and every try gets the reply', async () => {
      started.log.textDelayMs = 300;
      try {
        const message = textMessage('slow');
        const tries = await Promise.all([
          send(started.url, '', message),
          send(started.url, '', message),
        ]);
        const late = await send(started.url, '', message);
        for (const reply of [...tries, late])
          expect(reply).toMatchObject({ Content: 'echo: slow' });
        expect(started.log.calls.map((c) => c.handler)).toEqual(['echo']);
      } finally {
        started.log.textDelayMs = 0;
      }
    });
  });

  it('refuses handlers on a request-scoped provider at start-up', async () => {
    await expect(
      startPushApp(platform, pushOptions(), { providers: [RequestScopedHandlers] }),
    ).rejects.toThrow(
      /RequestScopedHandlers\.text handles pushes, but .* request- or transient-scoped/,
    );
  });

  it('refuses ambiguous handlers at start-up, naming them', async () => {
    const starting = startPushApp(platform, pushOptions(), { providers: [AmbiguousHandlers] });
    await expect(starting).rejects.toThrow(PushHandlerError);
    await expect(
      startPushApp(platform, pushOptions(), { providers: [AmbiguousHandlers] }),
    ).rejects.toThrow(/AmbiguousHandlers\.two .* and AmbiguousHandlers\.one both answer/);
  });
});
