import { type EmulatorPushOutcome, type EmulatorPushReply } from '../push/push-outcome.js';
import { type ChatEntry } from './chat-conversations.js';
import { asList, field } from '../push/push-reply-check.js';

/** A line of the conversation before the store numbers it. */
export type ChatLine = Omit<ChatEntry, 'id'>;

// The envelope every reply has: not worth showing.
const ENVELOPE = new Set(['ToUserName', 'FromUserName', 'CreateTime', 'MsgType']);

/**
 * What the chat shows of a push's outcome: the reply (text as it is; the other types as a
 * readable placeholder listing their fields, since the emulator has no media to play), nothing,
 * or WeChat's unavailable notice with the reason as its detail.
 */
export function outcomeLines(outcome: EmulatorPushOutcome, at: number): ChatLine[] {
  switch (outcome.shown) {
    case 'nothing':
      return [];
    case 'unavailable':
      return [{ at, from: 'system', kind: 'notice', text: outcome.notice, detail: outcome.reason }];
    case 'reply':
      return [replyLine(outcome.reply, at)];
  }
}

function replyLine(reply: EmulatorPushReply, at: number): ChatLine {
  const type = reply.MsgType;
  const app = (text: string): ChatLine => ({ at, from: 'app', kind: type, text });
  switch (type) {
    case 'text':
      return app(String(reply.Content));
    case 'image':
    case 'voice':
      return app(placeholder(type, [['MediaId', field(holder(reply, type), 'MediaId')]]));
    case 'video': {
      const video = holder(reply, type);
      return app(
        placeholder(type, [
          ['Title', field(video, 'Title')],
          ['Description', field(video, 'Description')],
          ['MediaId', field(video, 'MediaId')],
        ]),
      );
    }
    case 'music': {
      const music = holder(reply, type);
      const names = ['Title', 'Description', 'MusicUrl', 'HQMusicUrl', 'ThumbMediaId'];
      return app(
        placeholder(
          type,
          names.map((name) => [name, field(music, name)]),
        ),
      );
    }
    case 'news':
      return app(newsText(reply));
    case 'transfer_customer_service': {
      const agent = field(reply.TransInfo, 'KfAccount');
      return {
        at,
        from: 'system',
        kind: 'note',
        text:
          'The message went to customer service' +
          (agent === undefined ? '' : ` (agent ${show(agent)})`) +
          ': WeChat shows the user nothing of this reply.',
      };
    }
    default: {
      const rest = Object.entries(reply).filter(([name]) => !ENVELOPE.has(name));
      return app(placeholder(type, rest));
    }
  }
}

function newsText(reply: EmulatorPushReply): string {
  const articles = reply.Articles;
  // XML gives <Articles><item>…</item></Articles>; JSON the list itself.
  const items = Array.isArray(articles) ? articles : asList(field(articles, 'item'));
  const lines = items.map((item, index) => {
    const parts = ['Title', 'Description', 'Url', 'PicUrl']
      .map((name) => [name, field(item, name)] as const)
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([name, value]) => `  ${name}: ${show(value)}`);
    return [`Article ${index + 1}`, ...parts].join('\n');
  });
  const count = `${items.length} article${items.length === 1 ? '' : 's'}`;
  return [`[News] ${count}`, ...lines].join('\n');
}

/** `[Type]` and a line per field that has a value. */
function placeholder(type: string, fields: [string, unknown][]): string {
  const label = `[${type.charAt(0).toUpperCase()}${type.slice(1)}]`;
  const lines = fields
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => `${name}: ${show(value)}`);
  return [label, ...lines].join('\n');
}

// Text as it is; anything else (a nested element, a number) as JSON.
function show(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

// The element holding a media reply's fields: Image, Voice, Video, Music.
function holder(reply: EmulatorPushReply, type: string): unknown {
  return reply[type.charAt(0).toUpperCase() + type.slice(1)];
}
