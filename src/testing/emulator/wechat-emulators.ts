import { createServer, request as forwardRequest, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { WeChatEmulator, type WeChatEmulatorOptions } from './wechat-emulator.js';
import { errorBody } from './wechat-error-body.js';

// What a token holder can prove it is about: WeChat answers these without knowing the account.
const UNKNOWN_APPID = 40013;
const UNKNOWN_TOKEN = 40001;
const NO_TOKEN = 41001;

/**
 * Several Official Accounts on one host, as WeChat is one host for every account: each account is
 * a `WeChatEmulator` of its own, and a request goes to the emulator of its `appid` (query, form
 * or JSON body), else of the token it carries (tokens are noted as their answers pass through).
 * Point the module's `apiBaseUrl` and `openBaseUrl` at `url`; `get(appId)` is an account's
 * emulator, for its users, faults, counts and pushes.
 */
export class WeChatEmulators {
  private readonly byAppId = new Map<string, WeChatEmulator>();
  private readonly byToken = new Map<string, WeChatEmulator>();
  private server?: Server;
  private baseUrl = '';

  private constructor(
    emulators: WeChatEmulator[],
    private readonly owned: boolean,
  ) {
    for (const emulator of emulators) {
      if (this.byAppId.has(emulator.appId)) {
        throw new Error(`WeChatEmulators: two emulators play ${emulator.appId}`);
      }
      this.byAppId.set(emulator.appId, emulator);
    }
  }

  /** Starts an emulator per account (each with its options) and the host in front of them. */
  static async start(accounts: WeChatEmulatorOptions[]): Promise<WeChatEmulators> {
    const emulators = await Promise.all(accounts.map((options) => WeChatEmulator.start(options)));
    return new WeChatEmulators(emulators, true).listen();
  }

  /** One host in front of emulators started by the caller (who closes them). */
  static front(emulators: WeChatEmulator[]): Promise<WeChatEmulators> {
    return new WeChatEmulators(emulators, false).listen();
  }

  /** `http://127.0.0.1:PORT`: the API host and the open-platform host of every account. */
  get url(): string {
    return this.baseUrl;
  }

  /** The emulator of the account `appId`. */
  get(appId: string): WeChatEmulator {
    const emulator = this.byAppId.get(appId);
    if (!emulator) throw new Error(`WeChatEmulators: no account ${appId}`);
    return emulator;
  }

  get emulators(): WeChatEmulator[] {
    return [...this.byAppId.values()];
  }

  /** Stops the host, and the emulators it started. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server?.closeAllConnections();
    if (this.owned) await Promise.all(this.emulators.map((emulator) => emulator.close()));
  }

  private async listen(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const target = this.route(req.url ?? '/', body);
        if (!(target instanceof WeChatEmulator)) {
          res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify(errorBody(target)));
          return;
        }
        const upstream = new URL(req.url ?? '/', target.url);
        const headers = { ...req.headers, host: upstream.host };
        const forward = forwardRequest(upstream, { method: req.method, headers }, (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(parts);
            this.noteToken(text, target);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(text);
          });
        });
        forward.on('error', () => res.destroy());
        forward.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  // The emulator a request is for, or the errcode WeChat answers when no account is named.
  private route(url: string, body: Buffer): WeChatEmulator | number {
    const query = new URL(url, 'http://host').searchParams;
    const text = body.toString('utf8');
    const appId = query.get('appid') ?? new URLSearchParams(text).get('appid') ?? jsonAppIdOf(text);
    if (appId) return this.byAppId.get(appId) ?? UNKNOWN_APPID;
    const token = query.get('access_token');
    if (!token) return NO_TOKEN;
    return this.byToken.get(token) ?? UNKNOWN_TOKEN;
  }

  // A global token, a ticket's token or a user's web token: whichever account issued it.
  private noteToken(answer: Buffer, emulator: WeChatEmulator): void {
    const token = (jsonOf(answer.toString('utf8')) as { access_token?: unknown } | undefined)
      ?.access_token;
    if (typeof token === 'string') this.byToken.set(token, emulator);
  }
}

function jsonOf(text: string): unknown {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function jsonAppIdOf(text: string): string | undefined {
  const appId = (jsonOf(text) as { appid?: unknown } | undefined)?.appid;
  return typeof appId === 'string' ? appId : undefined;
}
