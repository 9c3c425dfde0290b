import { type LoggerService } from '@nestjs/common';
import { type CustomMessage } from '../api/clients/message.types.js';
import {
  type LateWeChatReply,
  type ResolvedPushOptions,
} from '../options/wechat-module-options.interface.js';
import { describePush } from './push-reply.result.js';
import { type WeChatReplyMessage } from './push-reply.js';

/**
 * The customer-service message that says what a passive reply would have said, or undefined when
 * none can: a music reply without `musicUrl` or a news article without `url` (the API requires
 * them), a hand-over to customer
 * service (it only means something as the answer to the message).
 */
export function customMessageFor(
  reply: WeChatReplyMessage,
  openid: string,
): CustomMessage | undefined {
  switch (reply.type) {
    case 'text':
      return { touser: openid, msgtype: 'text', text: { content: reply.content } };
    case 'image':
      return { touser: openid, msgtype: 'image', image: { media_id: reply.mediaId } };
    case 'voice':
      return { touser: openid, msgtype: 'voice', voice: { media_id: reply.mediaId } };
    case 'video':
      return {
        touser: openid,
        msgtype: 'video',
        video: { media_id: reply.mediaId, title: reply.title, description: reply.description },
      };
    case 'music':
      if (!reply.musicUrl) return undefined;
      return {
        touser: openid,
        msgtype: 'music',
        music: {
          title: reply.title,
          description: reply.description,
          musicurl: reply.musicUrl,
          hqmusicurl: reply.hqMusicUrl,
          thumb_media_id: reply.thumbMediaId,
        },
      };
    case 'news': {
      const [article] = reply.articles;
      // A customer-service article needs a link to open.
      if (!article.url) return undefined;
      return {
        touser: openid,
        msgtype: 'news',
        news: {
          articles: [
            {
              title: article.title,
              description: article.description,
              url: article.url,
              picurl: article.picUrl,
            },
          ],
        },
      };
    }
    case 'transfer_customer_service':
      return undefined;
  }
}

/** Where a late reply goes: the app's hook, the customer-service API, or the log. Never throws. */
export async function deliverLateReply(
  late: LateWeChatReply,
  options: Pick<ResolvedPushOptions, 'lateReply' | 'onLateReply'>,
  sendCustom: (message: CustomMessage) => Promise<void>,
  logger: LoggerService,
): Promise<void> {
  const what = describePush(late.push);
  try {
    if (options.onLateReply) {
      await options.onLateReply(late);
      return;
    }
    if (late.reason === 'overloaded') {
      logger.warn(`Too many push handlers running: ${what} was answered "success" unhandled`);
      return;
    }
    if (options.lateReply !== 'customer-service') {
      logger.warn(
        `The reply to ${what} was ready after WeChat's last try and is lost; set push.lateReply: 'customer-service' or push.onLateReply to deliver it`,
      );
      return;
    }
    const message = late.reply && customMessageFor(late.reply, late.push.FromUserName);
    if (!message) {
      logger.warn(
        `The ${late.reply?.type} reply to ${what} came late and has no customer-service form: lost`,
      );
      return;
    }
    await sendCustom(message);
  } catch (error) {
    logger.error(`The late reply to ${what} could not be delivered: ${(error as Error).message}`);
  }
}
