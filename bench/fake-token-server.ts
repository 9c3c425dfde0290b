import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/** The AppSecret the fake server accepts for `appId`: any appId works, its secret follows from it. */
export function fakeSecretOf(appId: string): string {
  return createHash('sha256').update(`fake-token-server:${appId}`).digest('hex').slice(0, 32);
}

/**
 * WeChat's `GET /cgi-bin/token` for any number of accounts (the emulator serves one): a new token
 * for every call with the right secret, living `expiresInSeconds`. It records when each appId
 * fetched, so that a bench can count fetches in a window of time.
 */
export class FakeTokenServer {
  private readonly fetchedAt = new Map<string, number[]>();

  private constructor(
    private readonly server: Server,
    readonly expiresInSeconds: number,
  ) {
    server.on('request', (req, res) => this.answer(req, res));
  }

  static async start(options: { expiresInSeconds: number }): Promise<FakeTokenServer> {
    const server = createServer();
    // Idle keep-alive connections stay open through a bench window, so that a client's count of
    // them is what it keeps; under headersTimeout (60 s), past which Node answers idle ones 408.
    server.keepAliveTimeout = 30_000;
    // Thousands of accounts' first fetches open connections in bursts: past Node's default backlog
    // (511) the kernel drops them, and each client waits a SYN retry (1 s, 3 s, ...).
    await new Promise<void>((resolve) =>
      server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve),
    );
    return new FakeTokenServer(server, options.expiresInSeconds);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** For the module's `apiBaseUrl`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The times (epoch ms) at which these appIds fetched a token, in no particular order. */
  fetchTimesOf(appIds: Iterable<string>): number[] {
    return [...appIds].flatMap((appId) => this.fetchedAt.get(appId) ?? []);
  }

  /** Fetches of these appIds within `[since, until)` (epoch ms). */
  fetchesOf(appIds: Iterable<string>, since = -Infinity, until = Infinity): number {
    return this.fetchTimesOf(appIds).filter((at) => at >= since && at < until).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const appId = url.searchParams.get('appid');
    let reply: object;
    if (req.method !== 'GET' || url.pathname !== '/cgi-bin/token') {
      reply = { errcode: 40066, errmsg: 'invalid url' };
    } else if (url.searchParams.get('grant_type') !== 'client_credential') {
      reply = { errcode: 40002, errmsg: 'invalid grant_type' };
    } else if (!appId) {
      reply = { errcode: 41002, errmsg: 'appid missing' };
    } else if (url.searchParams.get('secret') !== fakeSecretOf(appId)) {
      reply = { errcode: 40125, errmsg: 'invalid appsecret' };
    } else {
      const times = this.fetchedAt.get(appId) ?? [];
      this.fetchedAt.set(appId, times);
      times.push(Date.now());
      reply = {
        access_token: randomBytes(96).toString('base64url'),
        expires_in: this.expiresInSeconds,
      };
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  }
}
