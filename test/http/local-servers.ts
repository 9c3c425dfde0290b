import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo } from 'node:net';
import { forwardTo } from '../support/recording-proxy.js';

export interface LocalServer {
  url: string;
  /** `127.0.0.1:port`, as an allow-list entry names it. */
  host: string;
  /** Paths of the requests that reached it, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A `node:http` server on a free loopback port that records the path of every request. Idle
 * connections close after `keepAliveTimeoutMs` (100: it answers `Keep-Alive: timeout=0`, so
 * clients do not pool its connections and closing it never waits for them).
 */
export async function startLocalServer(
  listener: RequestListener,
  keepAliveTimeoutMs = 100,
): Promise<LocalServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url!.split('?')[0]);
    listener(req, res);
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${host}`,
    host,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A stand-in for WeChat's API host: answers the paths of `routes` itself (a hostile or broken
 * WeChat) and forwards every other request to the emulator at `target` (tokens and the rest).
 */
export function startWeChatFront(
  target: string,
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>,
  keepAliveTimeoutMs?: number,
): Promise<LocalServer> {
  const upstream = new URL(target);
  return startLocalServer((req, res) => {
    const own = routes[req.url!.split('?')[0]];
    if (own) return own(req, res);
    forwardTo(upstream, req, res);
  }, keepAliveTimeoutMs);
}

/** Answers JSON with WeChat's content type. */
export function sendJson(res: ServerResponse, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    'Content-Type': 'application/json; encoding=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
