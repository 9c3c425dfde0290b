import { type INestApplication } from '@nestjs/common';
import {
  AES_KEY,
  APP_ID,
  type HandlerLog,
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

const MODES: Mode[] = ['plain', 'compatible', 'safe'];
const FORMATS: Format[] = ['xml', 'json'];

describe.each(PLATFORMS)('the push endpoint on %s', (platform) => {
  let app: INestApplication;
  let url: string;
  let log: HandlerLog;

  beforeAll(async () => {
    const started = await startPushApp(platform, pushOptions());
    app = started.app;
    url = `${started.url}/wechat/push`;
    log = started.log;
  });
  afterAll(() => app.close());

  describe.each(MODES)('in %s mode', (mode) => {
    it.each(FORMATS)('answers a %s text message with the handler reply', async (format) => {
      const message = textMessage('hello');
      const answer = await post(
        url,
        signedPush(message, { mode, format, appId: APP_ID, key: AES_KEY }),
      );
      expect(answer.status).toBe(200);
      const reply = openReply(answer.text, format, AES_KEY);
      expect(reply).toMatchObject({
        ToUserName: message.FromUserName,
        FromUserName: message.ToUserName,
        MsgType: 'text',
        Content: 'echo: hello',
      });
      const seen = log.calls.at(-1)!.push as unknown as Record<string, unknown>;
      expect(seen.MsgId).toBe(message.MsgId);
    });
  });
});
