import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { PushCipher } from '../../src/push/push-cipher.js';
import { parsePushJson } from '../../src/push/push-json.js';
import {
  renderEncryptedReply,
  renderReplyJson,
  renderReplyXml,
  type WeChatReplyMessage,
} from '../../src/push/push-reply.js';
import { pushSignature, signatureMatches } from '../../src/push/push-signature.js';
import { parsePushXml } from '../../src/push/push-xml.js';

type Fields = Record<string, unknown>;

/** A POST the receiver got, checked and (in compatible and safe mode) decrypted. */
export interface ReceivedPush {
  query: Record<string, string>;
  contentType: string | undefined;
  userAgent: string | undefined;
  rawBody: string;
  /** The body as parsed (the envelope in safe mode). */
  body: Fields;
  /** The message: the body in plain mode, what `Encrypt` holds otherwise. */
  message: Fields;
  /** The decrypted text of `Encrypt`, when there is one. */
  decrypted?: string;
}

/** How the receiver answers a push; default `success`. */
export interface ReceiverAnswer {
  status?: number;
  body?: string;
  /** Wait this long first (real time); the wait ends early when the client hangs up. */
  delayMs?: number;
  /** Destroy the connection instead of answering (after the delay). */
  drop?: boolean;
}

export interface PushReceiverOptions {
  token: string;
  appId: string;
  encodingAESKey?: string;
  format?: 'xml' | 'json';
  path?: string;
}

/**
 * A plain `node:http` app endpoint built on the library's push primitives, for the emulator's
 * push tests: it checks `signature` on every request and `msg_signature` and the appid when the
 * push is encrypted, and records what it got. A request that fails a check gets HTTP 401 and is
 * listed in `problems`.
 */
export class PushReceiver {
  readonly received: ReceivedPush[] = [];
  readonly verifications: Record<string, string>[] = [];
  readonly problems: string[] = [];
  /** The answer to the push numbered `index` (0-based over all POSTs). */
  respond: (push: ReceivedPush, index: number) => ReceiverAnswer = () => ({ body: 'success' });
  /** The body of the answer to a URL verification; default the echostr. */
  echo: (echostr: string) => string = (echostr) => echostr;
  private readonly cipher?: PushCipher;
  private readonly timers = new Set<NodeJS.Timeout>();
  private server?: Server;
  private base = '';

  private constructor(readonly options: PushReceiverOptions) {
    if (options.encodingAESKey) this.cipher = new PushCipher(options.encodingAESKey);
  }

  static async start(options: PushReceiverOptions): Promise<PushReceiver> {
    const receiver = new PushReceiver(options);
    const server = createServer((req, res) => {
      receiver.handle(req, res).catch((error: Error) => {
        receiver.problems.push(`receiver error: ${error.message}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver.server = server;
    receiver.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return receiver;
  }

  get url(): string {
    return `${this.base}${this.options.path ?? '/wechat'}`;
  }

  /** The reply to a push as the app would render it, encrypted when `encrypt` is set. */
  reply(
    push: ReceivedPush,
    reply: WeChatReplyMessage,
    options: { encrypt?: boolean; to?: string; from?: string; createTime?: number } = {},
  ): string {
    const render = this.options.format === 'json' ? renderReplyJson : renderReplyXml;
    const seconds = options.createTime ?? Math.floor(Date.now() / 1000);
    const plain = render(
      reply,
      options.to ?? String(push.message.FromUserName),
      options.from ?? String(push.message.ToUserName),
      seconds,
    );
    if (!options.encrypt) return plain;
    return this.encrypt(plain);
  }

  /** A plain reply text in the safe-mode envelope; `timestamp` may be made wrong on purpose. */
  encrypt(
    plaintextReply: string,
    options: { appId?: string; timestampSeconds?: number; token?: string } = {},
  ): string {
    return renderEncryptedReply({
      cipher: this.cipher!,
      appId: options.appId ?? this.options.appId,
      token: options.token ?? this.options.token,
      plaintextReply,
      format: this.options.format ?? 'xml',
      timestampSeconds: options.timestampSeconds ?? Math.floor(Date.now() / 1000),
      nonce: '1320562132',
    });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const query = Object.fromEntries(url.searchParams);
    const { token } = this.options;
    if (!signatureMatches(pushSignature(token, query.timestamp, query.nonce), query.signature)) {
      return this.refuse(res, `bad signature on ${req.method}`);
    }
    if (req.method === 'GET') {
      this.verifications.push(query);
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(this.echo(query.echostr));
      return;
    }
    const rawBody = await readBody(req);
    const body = this.options.format === 'json' ? parsePushJson(rawBody) : parsePushXml(rawBody);
    let message: Fields = body;
    let decrypted: string | undefined;
    if (query.encrypt_type === 'aes') {
      const encrypt = body.Encrypt as string;
      const expected = pushSignature(token, query.timestamp, query.nonce, encrypt);
      if (!signatureMatches(expected, query.msg_signature)) {
        return this.refuse(res, 'bad msg_signature');
      }
      const inner = this.cipher!.decrypt(encrypt);
      if (inner.appId !== this.options.appId) return this.refuse(res, 'wrong appid');
      decrypted = inner.message;
      message =
        this.options.format === 'json' ? parsePushJson(inner.message) : parsePushXml(inner.message);
    }
    const push: ReceivedPush = {
      query,
      contentType: req.headers['content-type'],
      userAgent: req.headers['user-agent'],
      rawBody,
      body,
      message,
      decrypted,
    };
    const index = this.received.push(push) - 1;
    const answer = this.respond(push, index);
    if (answer.delayMs) await this.wait(answer.delayMs, req);
    if (res.destroyed || res.writableEnded) return;
    if (answer.drop) {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status ?? 200, { 'Content-Type': 'text/plain' }).end(answer.body ?? '');
  }

  private refuse(res: ServerResponse, problem: string): void {
    this.problems.push(problem);
    res.writeHead(401).end();
  }

  // Ends early when the client drops the connection, so nothing waits past the test.
  private wait(ms: number, req: IncomingMessage): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        req.socket.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      req.socket.once('close', done);
    });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A server that takes requests and never answers them, until closed. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
