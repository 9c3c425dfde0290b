import {
  type BodyParsing,
  AES_KEY,
  APP_ID,
  PLATFORMS,
  pushOptions,
  startPushApp,
} from './push-test-app.js';
import {
  type Format,
  type Mode,
  openReply,
  post,
  signedPush,
  textMessage,
} from './push-requests.js';

const PARSINGS: BodyParsing[] = [
  'defaults',
  'rawBody',
  'no body parser',
  'global text parser',
  'global json parser for every type',
  'own xml parser',
];
const CASES: [Mode, Format][] = [
  ['plain', 'xml'],
  ['plain', 'json'],
  ['safe', 'xml'],
  ['safe', 'json'],
];

// Issue 10, deliverable 3: whatever the app does about body parsing, the push endpoint reads the
// body itself, keeps the 64-bit MsgId exact, and the app's other routes parse as they did.
describe.each(PLATFORMS)('push bodies on %s', (platform) => {
  describe.each(PARSINGS)('with %s', (parsing) => {
    it('receives pushes in every format and leaves other routes alone', async () => {
      const { app, url, log } = await startPushApp(platform, pushOptions(), { parsing });
      try {
        for (const [mode, format] of CASES) {
          const message = textMessage(`${mode} ${format}`);
          const push = signedPush(message, { mode, format, appId: APP_ID, key: AES_KEY });
          const answer = await post(`${url}/wechat/push`, push);
          expect({ mode, format, status: answer.status }).toEqual({ mode, format, status: 200 });
          expect(openReply(answer.text, format, AES_KEY).Content).toBe(`echo: ${mode} ${format}`);
          const seen = log.calls.at(-1)!.push as unknown as Record<string, unknown>;
          expect(seen.MsgId).toBe(message.MsgId);
        }
        const other = await fetch(`${url}/echo-body`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"a":1}',
        });
        expect(other.status).toBe(201);
        const seenByApp = (await other.json()) as { type: string; body: unknown };
        expect(seenByApp).toEqual(expectedOtherRoute(platform, parsing));
      } finally {
        await app.close();
      }
    });
  });

  it('reads the body itself wherever the platform routes the path (letter case, trailing slash)', async () => {
    const { app, url, log } = await startPushApp(platform, pushOptions());
    try {
      const message = textMessage('case');
      const push = signedPush(message, {
        mode: 'plain',
        format: 'json',
        appId: APP_ID,
        key: AES_KEY,
      });
      const answer = await post(`${url}/WeChat/Push/`, push);
      // Express routes paths case-insensitively and with a trailing slash; Fastify does not.
      expect(answer.status).toBe(platform === 'express' ? 200 : 404);
      if (platform === 'express') {
        const seen = log.calls.at(-1)!.push as unknown as Record<string, unknown>;
        expect(seen.MsgId).toBe(message.MsgId);
      }
    } finally {
      await app.close();
    }
  });

  it('finds the endpoint under a global prefix', async () => {
    const { app, url, log } = await startPushApp(platform, pushOptions(), { globalPrefix: 'api' });
    try {
      const message = textMessage('prefixed');
      const push = signedPush(message, {
        mode: 'plain',
        format: 'json',
        appId: APP_ID,
        key: AES_KEY,
      });
      const answer = await post(`${url}/api/wechat/push`, push);
      expect(answer.status).toBe(200);
      expect((log.calls.at(-1)!.push as unknown as Record<string, unknown>).MsgId).toBe(
        message.MsgId,
      );
    } finally {
      await app.close();
    }
  });
});

// What the app's own JSON route gets: exactly what its parsing gives without nestjs-wechat.
function expectedOtherRoute(
  platform: string,
  parsing: BodyParsing,
): { type: string; body: unknown } {
  if (platform === 'express') {
    if (parsing === 'no body parser') return { type: 'undefined' } as never;
    if (parsing === 'global text parser') return { type: 'string', body: '{"a":1}' };
  }
  return { type: 'object', body: { a: 1 } };
}
