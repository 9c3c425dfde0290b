import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type ResolvedModuleOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_MODULE_RESOLVED } from '../wechat.constants.js';
import { DEFAULT_PUSH_BODY_LIMIT } from '../options/resolve-push-options.js';
import { PushRejection } from './push-envelope.js';
import { isPushPost, PUSH_RAW_BODY, readBody } from './push-body.js';
import { isAccountKey, WeChatAccounts } from '../accounts/wechat-accounts.js';

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
      request: {
        method: string;
        url: string;
        headers: Record<string, unknown>;
        routeOptions?: { url?: string };
      },
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
    private readonly accounts: WeChatAccounts,
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
    // With several accounts, `path/<segment>` is taken for a push when the segment is an account
    // known here or looks like an appId: the app's own routes that merely end like a push URL
    // keep their bodies. (A push to an account not yet looked up by name is read by the endpoint
    // itself, from whatever the app's parsers left.)
    const isAccount =
      form === 'accounts'
        ? (segment: string) => /^wx/i.test(segment) || this.isKnownAccount(segment)
        : undefined;
    const isPush = (method: string | undefined, url: string | undefined) =>
      isPushPost(method, url, pushPath, isAccount);
    const type = adapter.getType();
    if (type === 'express') this.captureOnExpress(adapter.getInstance(), isPush, limit);
    else if (type === 'fastify') {
      // Fastify has matched the route before onRequest: the endpoint's own pattern decides.
      const route = form === 'accounts' ? `${pushPath}/:account` : pushPath;
      const isPushRoute = (method: string, url: string, routeUrl: string | undefined) =>
        routeUrl === undefined
          ? isPush(method, url)
          : method === 'POST' && routeUrl.toLowerCase().endsWith(route.toLowerCase());
      this.captureOnFastify(adapter.getInstance(), isPushRoute, limit);
    }
  }

  private isKnownAccount(segment: string): boolean {
    return isAccountKey(segment) && this.accounts.find(segment) !== undefined;
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

  private captureOnFastify(
    app: FastifyLike,
    isPush: (method: string, url: string, routeUrl: string | undefined) => boolean,
    limit: number,
  ): void {
    app.addContentTypeParser(
      PUSH_CONTENT_TYPE,
      { parseAs: 'buffer', bodyLimit: limit },
      (_request, body, done) => done(null, body),
    );
    app.addHook('onRequest', (request, _reply, done) => {
      if (isPush(request.method, request.url, request.routeOptions?.url)) {
        request.headers['content-type'] = PUSH_CONTENT_TYPE;
      }
      done();
    });
  }
}
