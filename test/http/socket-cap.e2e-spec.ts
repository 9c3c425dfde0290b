import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { WeChatHttp } from '../../src/api/wechat-http.js';
import { resolveModuleOptions } from '../../src/options/resolve-options.js';

describe('WeChatHttp sockets', () => {
  let server: Server | undefined;
  let http: WeChatHttp | undefined;

  afterEach(async () => {
    await http?.onApplicationShutdown();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  // Thousands of accounts asking at once must not open a socket each (and run out of ports).
  it('opens at most 128 sockets to a host, however many calls are in flight', async () => {
    let open = 0;
    let most = 0;
    server = createServer((_req, res) => {
      // Held a moment, so that the calls overlap.
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"errcode":0,"errmsg":"ok"}');
      }, 20);
    });
    server.on('connection', (socket) => {
      open += 1;
      most = Math.max(most, open);
      socket.on('close', () => (open -= 1));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { shared } = resolveModuleOptions({
      appId: 'wx-sockets',
      appSecret: 'secret',
      apiBaseUrl: url,
      httpTimeoutMs: 60_000,
    });
    http = new WeChatHttp(shared);
    const answers = await Promise.all(
      Array.from({ length: 600 }, (_, i) =>
        http!.request<{ errcode: number }>({ method: 'GET', path: `/x/${i}`, idempotent: true }),
      ),
    );
    expect(answers.every((answer) => answer.errcode === 0)).toBe(true);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(128);
  });
});
