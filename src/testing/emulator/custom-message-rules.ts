import { isObject, type JsonObject } from './routes/json-post.js';
import { type Refusal } from './wechat-error-body.js';

const MAX_ARTICLES = 1;

/**
 * The fields each message type of `message/custom/send` must carry, after the request body of
 * https://developers.weixin.qq.com/doc/service/api/customer/message/api_sendcustommessage
 * (text, image, voice, video, music, news, mpnews, mpnewsarticle, msgmenu, wxcard,
 * miniprogrampage, link). Optional fields (titles, descriptions, `hqmusicurl`...) are not
 * required: where the page does not say a field is required, the emulator accepts its absence
 * rather than refuse code that works against WeChat.
 */
const REQUIRED: Record<string, string[]> = {
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

/**
 * The payload checks of `message/custom/send`. An unknown msgtype answers 40008; a missing field
 * 47003 naming it. More than one news article answers 45008 (WeChat has allowed one since
 * October 2018); a menu message needs at least one `{ id, content }` choice. Media, card and
 * article ids are not looked up: they may name permanent material the emulator does not hold.
 */
export function checkCustomMessage(body: JsonObject): Refusal | undefined {
  const type = body.msgtype;
  const payload = typeof type === 'string' ? body[type] : undefined;
  if (type === 'news') {
    const articles = isObject(payload) ? payload.articles : undefined;
    if (!Array.isArray(articles) || articles.length === 0) return invalid('news.articles');
    if (articles.length > MAX_ARTICLES) return { errcode: 45008 };
    return missing(articles[0], 'news.articles[0]', ['title', 'url']);
  }
  if (type === 'msgmenu') {
    const list = isObject(payload) ? payload.list : undefined;
    if (!Array.isArray(list) || list.length === 0) return invalid('msgmenu.list');
    for (const [index, choice] of list.entries()) {
      const refused = missing(choice, `msgmenu.list[${index}]`, ['id', 'content']);
      if (refused) return refused;
    }
    return undefined;
  }
  const fields = typeof type === 'string' && Object.hasOwn(REQUIRED, type) ? REQUIRED[type] : null;
  return fields ? missing(payload, type as string, fields) : { errcode: 40008 };
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
