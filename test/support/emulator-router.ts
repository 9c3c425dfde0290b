import { createServer, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type WeChatEmulator } from '../../src/testing/index.js';

/**
 * One host in front of several emulators (one account each), as WeChat is one host for every
 * account: a request goes to the emulator of its `appid` (query, form or JSON body), else of the
 * token it carries (recorded from the token answers that passed through).
 */
export class EmulatorRouter {
  private readonly byAppId = new Map<string, WeChatEmulator>();
  private readonly byToken = new Map<string, WeChatEmulator>();
  private server?: Server;
  url = '';

  private constructor(emulators: WeChatEmulator[]) {
    for (const emulator of emulators) this.byAppId.set(emulator.appId, emulator);
  }

  static async start(emulators: WeChatEmulator[]): Promise<EmulatorRouter> {
    const router = new EmulatorRouter(emulators);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const target = router.route(req.url ?? '/', body);
        if (!target) {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ errcode: 40013, errmsg: 'invalid appid (router)' }));
          return;
        }
        const upstream = new URL(req.url ?? '/', target.url);
        const forward = httpRequest(
          upstream,
          { method: req.method, headers: { ...req.headers, host: upstream.host } },
          (answer) => {
            const parts: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => parts.push(chunk));
            answer.on('end', () => {
              const text = Buffer.concat(parts);
              router.recordTokens(text, target);
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(text);
            });
          },
        );
        forward.on('error', () => res.destroy());
        forward.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    router.server = server;
    router.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return router;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private route(url: string, body: Buffer): WeChatEmulator | undefined {
    const query = new URL(url, 'http://router').searchParams;
    const text = body.toString('utf8');
    const form = new URLSearchParams(text);
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Not JSON.
    }
    const appId = query.get('appid') ?? form.get('appid') ?? (json.appid as string | undefined);
    if (appId) return this.byAppId.get(appId);
    const token = query.get('access_token');
    return token ? this.byToken.get(token) : undefined;
  }

  private recordTokens(answer: Buffer, emulator: WeChatEmulator): void {
    try {
      const { access_token: token } = JSON.parse(answer.toString('utf8')) as {
        access_token?: unknown;
      };
      if (typeof token === 'string') this.byToken.set(token, emulator);
    } catch {
      // Not a JSON answer.
    }
  }
}
