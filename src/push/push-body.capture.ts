import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type ResolvedModuleOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_MODULE_RESOLVED } from '../wechat.constants.js';
import { DEFAULT_PUSH_BODY_LIMIT } from '../options/resolve-push-options.js';
import { PushRejection } from './push-envelope.js';
import { isPushPost, PUSH_RAW_BODY, readBody } from './push-body.js';

// A content type no client sends: Fastify hands a push to the parser of this type only.
const PUSH_CONTENT_TYPE = 'application/x-nestjs-wechat-push';

type PushRoute = (method: string | undefined, url: string | undefined) => boolean;
type Middleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;
interface ExpressLike {
  use(middleware: Middleware): unknown;
  router?: { stack?: unknown[] };
  _router?: { stack?: unknown[] };
}
interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (
      request: { method: string; url: string; headers: Record<string, unknown> },
      reply: unknown,
      done: () => void,
    ) => void,
  ): unknown;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (
      request: unknown,
      body: Buffer,
      done: (error: Error | null, body?: Buffer) => void,
    ) => void,
  ): unknown;
}

/**
 * Makes the push path's body reach the endpoint unparsed, on both platforms, without touching how
 * the app's other routes parse theirs (wechat-push.md section 8: framework body parsers eat or
 * refuse XML). Express: a reader placed before every other middleware, so the body parsers find
 * the body read and skip it. Fastify: the push's content type is swapped for a private one whose
 * parser keeps the bytes, so neither Fastify's parsers nor the app's see it.
 */
@Injectable()
export class PushBodyCapture implements OnModuleInit {
  private readonly logger = new Logger('WeChat:push');

  constructor(
    @Inject(WECHAT_MODULE_RESOLVED) private readonly options: ResolvedModuleOptions,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const { form, pushPath, accounts, accountDefaults } = this.options;
    const adapter = this.adapterHost?.httpAdapter;
    const receiving = accounts.filter((account) => account.push);
    if ((receiving.length === 0 && !accountDefaults.push) || !adapter) return;
    // Read up to the largest limit of any account; each account's own is checked after.
    const limit = Math.max(
      accountDefaults.push?.bodyLimitBytes ?? DEFAULT_PUSH_BODY_LIMIT,
      ...receiving.map((account) => account.push!.bodyLimitBytes),
    );
    const isPush = (method: string | undefined, url: string | undefined) =>
      isPushPost(method, url, pushPath, form === 'accounts');
    const type = adapter.getType();
    if (type === 'express') this.captureOnExpress(adapter.getInstance(), isPush, limit);
    else if (type === 'fastify') this.captureOnFastify(adapter.getInstance(), isPush, limit);
  }

  private captureOnExpress(app: ExpressLike, isPush: PushRoute, limit: number): void {
    const reader: Middleware = (req, res, next) => {
      if (!isPush(req.method, req.url)) return next();
      readBody(req, limit).then(
        (bytes) => {
          (req as { [PUSH_RAW_BODY]?: Buffer })[PUSH_RAW_BODY] = bytes;
          next();
        },
        (error: unknown) => {
          if (!(error instanceof PushRejection)) return next(error);
          // Closing the connection rather than reading the rest of a body that is too large.
          res.writeHead(error.status, {
            'Content-Type': 'text/plain; charset=utf-8',
            Connection: 'close',
          });
          res.end(error.message);
        },
      );
    };
    app.use(reader);
    const stack = (app.router ?? app._router)?.stack;
    if (!Array.isArray(stack)) {
      this.logger.warn(
        "Cannot place the push body reader before the app's middleware (unknown Express router); pushes are read after the body parsers",
      );
      return;
    }
    stack.unshift(stack.pop());
  }

  private captureOnFastify(app: FastifyLike, isPush: PushRoute, limit: number): void {
    app.addContentTypeParser(
      PUSH_CONTENT_TYPE,
      { parseAs: 'buffer', bodyLimit: limit },
      (_request, body, done) => done(null, body),
    );
    app.addHook('onRequest', (request, _reply, done) => {
      if (isPush(request.method, request.url)) {
        request.headers['content-type'] = PUSH_CONTENT_TYPE;
      }
      done();
    });
  }
}
