import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { isPushPost, PUSH_RAW_BODY, pushBodyOf } from './push-body.js';
import { PushRejection } from './push-envelope.js';

const SIGNED = '?signature=a&timestamp=1&nonce=2';

// A request stream that delivers `chunks`, as Node's HTTP server would.
function stream(chunks: string[], headers: Record<string, string> = {}): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.headers = headers;
  for (const chunk of chunks) message.push(Buffer.from(chunk));
  message.push(null);
  return message;
}

describe('isPushPost', () => {
  it.each([
    ['POST', `/wechat/push${SIGNED}`, true],
    ['POST', `/api/v1/wechat/push/${SIGNED}`, true],
    ['GET', `/wechat/push${SIGNED}`, false],
    ['POST', '/wechat/push', true],
    ['POST', '/WeChat/Push/?signature=a', true],
    ['POST', `/xwechat/push${SIGNED}`, false],
    ['POST', `/wechat/push/more${SIGNED}`, false],
  ])('%s %s → %s', (method, url, expected) => {
    expect(isPushPost(method, url, '/wechat/push')).toBe(expected);
  });
});

describe('pushBodyOf', () => {
  it('prefers the bytes the early reader kept', async () => {
    const request = { [PUSH_RAW_BODY]: Buffer.from('<xml/>'), body: { parsed: true } };
    expect(await pushBodyOf(request, 100)).toBe('<xml/>');
  });

  it("takes Nest's rawBody over what a parser made of it", async () => {
    expect(await pushBodyOf({ rawBody: Buffer.from('{"a":1}'), body: { a: 1 } }, 100)).toBe(
      '{"a":1}',
    );
  });

  it('takes a Buffer or a string a parser left, without a byte-order mark', async () => {
    expect(await pushBodyOf({ body: Buffer.from('\uFEFF<xml/>') }, 100)).toBe('<xml/>');
    expect(await pushBodyOf({ body: '<xml/>' }, 100)).toBe('<xml/>');
  });

  it('reads the stream when nobody did, on Express and on Fastify', async () => {
    expect(await pushBodyOf(stream(['<xml>', '</xml>']) as never, 100)).toBe('<xml></xml>');
    expect(await pushBodyOf({ raw: stream(['{}']), body: undefined }, 100)).toBe('{}');
  });

  it('falls back to an object a JSON parser made', async () => {
    const body = { ToUserName: 'gh', MsgId: 1 };
    expect(await pushBodyOf({ body }, 100)).toBe(body);
  });

  it('refuses more than the limit, declared or streamed', async () => {
    const declared = stream(['x'], { 'content-length': '101' });
    await expect(pushBodyOf(declared as never, 100)).rejects.toEqual(expect.any(PushRejection));
    await expect(
      pushBodyOf(stream(['x'.repeat(60), 'x'.repeat(60)]) as never, 100),
    ).rejects.toMatchObject({
      status: 413,
    });
    await expect(pushBodyOf({ rawBody: Buffer.alloc(101) }, 100)).rejects.toMatchObject({
      status: 413,
    });
  });

  it('gives up on a body that trickles in', async () => {
    const trickle = new IncomingMessage(new Socket());
    trickle.headers = {};
    trickle.push(Buffer.from('<xml>'));
    const { readBody } = await import('./push-body.js');
    await expect(readBody(trickle, 100, 20)).rejects.toMatchObject({ status: 408 });
  });

  it('is empty when there is no body at all', async () => {
    expect(await pushBodyOf({ raw: stream([]), body: undefined }, 100)).toBe('');
  });
});
