import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'hang' | 'reset' | 'stall';

/**
 * A TCP proxy in front of the emulator that can stop answering: a WeChat host going dark while
 * another host (the emulator itself) still serves the same account.
 */
export class SwitchableProxy {
  mode: ProxyMode = 'forward';
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private readonly upstreams = new Map<Socket, Socket>();

  private readonly server: Server;
  url = '';

  private constructor(target: URL) {
    this.server = createServer((socket) => this.accept(socket, target));
  }

  static async start(targetUrl: string): Promise<SwitchableProxy> {
    const proxy = new SwitchableProxy(new URL(targetUrl));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as { port: number }).port}`;
    return proxy;
  }

  /**
   * Switches mode and drops every open connection (pooled keep-alive ones included); `stall`
   * instead keeps them open but stops passing bytes, as a frozen peer behind a live TCP link.
   */
  switchTo(mode: ProxyMode): void {
    this.mode = mode;
    for (const socket of this.sockets) {
      if (mode === 'stall') {
        const upstream = this.upstreams.get(socket);
        socket.unpipe();
        upstream?.unpipe();
        socket.pause();
        upstream?.pause();
      } else {
        socket.destroy();
      }
    }
  }

  /** Passes bytes again on the connections a `stall` froze: what waited is delivered late. */
  resume(): void {
    this.mode = 'forward';
    for (const [socket, upstream] of this.upstreams) {
      socket.pipe(upstream).pipe(socket);
      socket.resume();
      upstream.resume();
    }
  }

  async close(): Promise<void> {
    this.switchTo('reset');
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(socket: Socket, target: URL): void {
    this.connections += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    if (this.mode === 'reset') return void socket.resetAndDestroy();
    if (this.mode === 'hang' || this.mode === 'stall') return;
    const upstream = createConnection(Number(target.port), target.hostname);
    this.upstreams.set(socket, upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.upstreams.delete(socket);
      upstream.destroy();
    });
    socket.pipe(upstream).pipe(socket);
  }
}
