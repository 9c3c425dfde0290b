import { WeChatArgumentError } from '../wechat-api.error.js';
import { type CustomMessage, type CustomMessageType } from './message.types.js';

// The fields WeChat needs of each type (its sendCustomMessage page); optional ones are not listed.
const REQUIRED: Record<Exclude<CustomMessageType, 'news' | 'msgmenu'>, string[]> = {
  text: ['content'],
  image: ['media_id'],
  voice: ['media_id'],
  video: ['media_id'],
  music: ['musicurl', 'thumb_media_id'],
  mpnews: ['media_id'],
  mpnewsarticle: ['article_id'],
  wxcard: ['card_id'],
  miniprogrampage: ['title', 'appid', 'pagepath', 'thumb_media_id'],
  link: ['title', 'url'],
};
const TYPES = [...Object.keys(REQUIRED), 'news', 'msgmenu'];

/** Refuses, before any call, a customer-service message WeChat would refuse for its shape. */
export function checkCustomMessage(message: CustomMessage): void {
  const type = message?.msgtype;
  if (!TYPES.includes(type)) {
    throw new WeChatArgumentError('msgtype', `must be one of ${TYPES.join(', ')}`);
  }
  const payload = (message as unknown as Record<string, unknown>)[type];
  if (type === 'news') {
    const articles = (payload as { articles?: unknown[] } | undefined)?.articles;
    if (!Array.isArray(articles) || articles.length !== 1) {
      throw new WeChatArgumentError('news.articles', 'must hold exactly one article');
    }
    return requireFields('news.articles[0]', articles[0], ['title', 'url']);
  }
  if (type === 'msgmenu') {
    const list = (payload as { list?: unknown[] } | undefined)?.list;
    if (!Array.isArray(list) || list.length === 0) {
      throw new WeChatArgumentError('msgmenu.list', 'must hold at least one { id, content }');
    }
    list.forEach((choice, i) => requireFields(`msgmenu.list[${i}]`, choice, ['id', 'content']));
    return;
  }
  requireFields(type, payload, REQUIRED[type]);
}

function requireFields(where: string, payload: unknown, fields: string[]): void {
  for (const field of fields) {
    const value = (payload as Record<string, unknown> | undefined)?.[field];
    if (typeof value !== 'string' || value === '') {
      throw new WeChatArgumentError(`${where}.${field}`, 'must not be empty');
    }
  }
}
