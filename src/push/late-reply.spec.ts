import { type LoggerService } from '@nestjs/common';
import { type CustomMessage } from '../api/clients/message.types.js';
import { type LateWeChatReply } from '../options/wechat-module-options.interface.js';
import { customMessageFor, deliverLateReply } from './late-reply.js';
import { type WeChatPush } from './push-message.types.js';
import { WeChatReply } from './push-reply.js';

const PUSH = {
  ToUserName: 'gh_1',
  FromUserName: 'o_user',
  CreateTime: 1714037059,
  MsgType: 'text',
  Content: 'private words',
  MsgId: '6054768590064713728',
} as WeChatPush;

function recordingLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: (m: unknown) => void lines.push(`log ${String(m)}`),
    warn: (m: unknown) => void lines.push(`warn ${String(m)}`),
    error: (m: unknown) => void lines.push(`error ${String(m)}`),
  };
}

describe('customMessageFor', () => {
  it.each([
    [WeChatReply.text('hi'), { msgtype: 'text', text: { content: 'hi' } }],
    [WeChatReply.image('M1'), { msgtype: 'image', image: { media_id: 'M1' } }],
    [WeChatReply.voice('V1'), { msgtype: 'voice', voice: { media_id: 'V1' } }],
    [
      WeChatReply.video('VID', { title: 'T' }),
      { msgtype: 'video', video: { media_id: 'VID', title: 'T', description: undefined } },
    ],
    [
      WeChatReply.music({ musicUrl: 'https://m/a.mp3', thumbMediaId: 'TH' }),
      {
        msgtype: 'music',
        music: expect.objectContaining({ musicurl: 'https://m/a.mp3', thumb_media_id: 'TH' }),
      },
    ],
    [
      WeChatReply.news({ title: 'N', url: 'https://n/1' }),
      {
        msgtype: 'news',
        news: { articles: [expect.objectContaining({ title: 'N', url: 'https://n/1' })] },
      },
    ],
  ])('says %j as a customer-service message', (reply, expected) => {
    expect(customMessageFor(reply, 'o_user')).toEqual({ touser: 'o_user', ...expected });
  });

  it.each([
    ['music without a musicUrl', WeChatReply.music({ thumbMediaId: 'TH' })],
    ['news without a url', WeChatReply.news({ title: 'N' })],
    ['a hand-over to customer service', WeChatReply.transferToCustomerService()],
  ])('has nothing to send for %s', (_what, reply) => {
    expect(customMessageFor(reply, 'o_user')).toBeUndefined();
  });
});

describe('deliverLateReply', () => {
  const late: LateWeChatReply = { push: PUSH, reply: WeChatReply.text('later'), reason: 'late' };

  it('hands it to onLateReply when the app gives one', async () => {
    const seen: LateWeChatReply[] = [];
    const sent: CustomMessage[] = [];
    const logger = recordingLogger();
    await deliverLateReply(
      late,
      { onLateReply: (l) => void seen.push(l) },
      async (m) => void sent.push(m),
      logger,
    );
    expect(seen).toEqual([late]);
    expect(sent).toEqual([]);
  });

  it("sends it through the customer-service API with lateReply: 'customer-service'", async () => {
    const sent: CustomMessage[] = [];
    await deliverLateReply(
      late,
      { lateReply: 'customer-service' },
      async (m) => void sent.push(m),
      recordingLogger(),
    );
    expect(sent).toEqual([{ touser: 'o_user', msgtype: 'text', text: { content: 'later' } }]);
  });

  it('logs it as lost otherwise, with the ids and never the content', async () => {
    const logger = recordingLogger();
    await deliverLateReply(late, {}, async () => undefined, logger);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(
      /^warn The reply to text message \(MsgId 6054768590064713728\).*lost/,
    );
    expect(logger.lines[0]).not.toMatch(/private words|later/);
  });

  it('logs a failed send or a failing hook, and never throws', async () => {
    const logger = recordingLogger();
    const failing = async () => {
      throw new Error('45015 response out of time limit');
    };
    await deliverLateReply(late, { lateReply: 'customer-service' }, failing, logger);
    await deliverLateReply(late, { onLateReply: failing }, async () => undefined, logger);
    expect(logger.lines).toEqual([
      expect.stringMatching(/^error The late reply .* could not be delivered: 45015/),
      expect.stringMatching(/^error The late reply .* could not be delivered: 45015/),
    ]);
  });

  it('reports a push turned away when the app has no hook', async () => {
    const logger = recordingLogger();
    await deliverLateReply(
      { push: PUSH, reason: 'overloaded' },
      { lateReply: 'customer-service' },
      async () => undefined,
      logger,
    );
    expect(logger.lines).toEqual([
      expect.stringMatching(/^warn Too many push handlers running: text message \(MsgId \d+\)/),
    ]);
  });
});
