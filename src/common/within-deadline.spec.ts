import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { type AddressInfo, createServer, connect, type Socket } from 'node:net';
import { withinDeadline } from './within-deadline.js';

const late = () => new Error('late');

function stallFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // The event loop is blocked, as on a starved CPU.
  }
}

/** A socket with an answer waiting in the kernel, unread (`pauseOnConnect`: no read has begun). */
async function socketWithUnreadAnswer(): Promise<{ socket: Socket; close: () => void }> {
  const server = createServer({ pauseOnConnect: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  const [socket] = (await accepted) as [Socket];
  await new Promise<void>((resolve) => client.write('answer', () => resolve()));
  // Written: on loopback the bytes are in the receiving socket's kernel buffer by now.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    socket,
    close: () => {
      client.destroy();
      socket.destroy();
      server.close();
    },
  };
}

describe('withinDeadline', () => {
  it('settles with the promise when it is in time', async () => {
    await expect(withinDeadline(Promise.resolve('ok'), 1000, late)).resolves.toBe('ok');
    await expect(withinDeadline(Promise.reject(new Error('no')), 1000, late)).rejects.toThrow('no');
  });

  it('rejects with the timeout error when the promise does not settle', async () => {
    await expect(withinDeadline(new Promise(() => undefined), 10, late)).rejects.toThrow('late');
  });

  it('lets an answer that arrived while the event loop was stalled win over the timer', async () => {
    const { socket, close } = await socketWithUnreadAnswer();
    try {
      // From the check phase, as after any I/O callback: the timers phase comes next.
      await new Promise((resolve) => setImmediate(resolve));
      const answer = once(socket, 'data').then(([data]) => String(data));
      socket.resume();
      const result = withinDeadline(answer, 10, late);
      // Past the deadline before the loop can read the socket: the timer fires first.
      stallFor(50);
      await expect(result).resolves.toBe('answer');
    } finally {
      close();
    }
  });
});
