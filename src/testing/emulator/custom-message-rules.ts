import { isObject, type JsonObject } from './routes/json-post.js';
import { type Refusal } from './wechat-error-body.js';

const MAX_ARTICLES = 1;

/**
 * The payload checks of `message/custom/send` for the message types the emulator plays
 * (text, image, news, miniprogrampage); other types answer 40008 like unknown ones.
 * More than one news article answers 45008 (WeChat has allowed one since October 2018).
 * Media ids are not looked up: they may name permanent material (uploaded in the admin
 * console), which the emulator does not hold.
 */
export function checkCustomMessage(body: JsonObject): Refusal | undefined {
  const type = body.msgtype;
  const payload = typeof type === 'string' ? body[type] : undefined;
  switch (type) {
    case 'text':
      return missing(payload, type, ['content']);
    case 'image':
      return missing(payload, type, ['media_id']);
    case 'news': {
      const articles = isObject(payload) ? payload.articles : undefined;
      if (!Array.isArray(articles) || articles.length === 0) return invalid('news.articles');
      if (articles.length > MAX_ARTICLES) return { errcode: 45008 };
      return missing(articles[0], 'news.articles[0]', ['title', 'url']);
    }
    case 'miniprogrampage':
      return missing(payload, type, ['title', 'appid', 'pagepath', 'thumb_media_id']);
    default:
      return { errcode: 40008 };
  }
}

function missing(payload: unknown, where: string, fields: string[]): Refusal | undefined {
  const empty = fields.find(
    (field) => !isObject(payload) || typeof payload[field] !== 'string' || payload[field] === '',
  );
  return empty ? invalid(`${where}.${empty}`) : undefined;
}

function invalid(field: string): Refusal {
  return { errcode: 47003, errmsg: `argument invalid! ${field} is empty` };
}
