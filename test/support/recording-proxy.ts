import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo } from 'node:net';

export interface RecordingProxy {
  url: string;
  /** Method, path and headers of every request that went through, in order. */
  seen: { method: string; path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** An HTTP proxy on a free loopback port that records each request and forwards it to `target`. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const seen: RecordingProxy['seen'] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, path: req.url!.split('?')[0], headers: req.headers });
    forwardTo(upstream, req, res);
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends `req` on to `upstream` as it is (but for Host), and its answer back on `res`. */
export function forwardTo(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
  const forward = httpRequest(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', () => res.destroy());
  req.pipe(forward);
}
