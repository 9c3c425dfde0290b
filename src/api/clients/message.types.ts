/** Template message data: each key of the template with its value (and optional colour). */
export type TemplateData = Record<string, { value: string; color?: string }>;

/** `/cgi-bin/message/template/send`. */
export interface TemplateMessage {
  touser: string;
  templateId: string;
  /** Opened when the user taps the message. */
  url?: string;
  /** A mini program to open instead of `url`. */
  miniprogram?: { appid: string; pagepath?: string };
  /** Makes a repeated send (a retry) deliver once. */
  clientMsgId?: string;
  data: TemplateData;
}

/** A news article of a customer-service `news` message (WeChat sends one). */
export interface CustomNewsArticle {
  title: string;
  description?: string;
  url: string;
  picurl?: string;
}

/**
 * A customer-service message (`/cgi-bin/message/custom/send`), inside the window a user's
 * interaction opens: 5 messages in 48 hours after a message; 3 in 1 minute after a menu click,
 * a follow or a scan. Media ids may be temporary media or permanent material.
 */
export type CustomMessage = { touser: string; customservice?: { kf_account: string } } & (
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'image'; image: { media_id: string } }
  | { msgtype: 'voice'; voice: { media_id: string } }
  | {
      msgtype: 'video';
      video: { media_id: string; thumb_media_id?: string; title?: string; description?: string };
    }
  | {
      msgtype: 'music';
      music: {
        musicurl: string;
        hqmusicurl?: string;
        thumb_media_id: string;
        title?: string;
        description?: string;
      };
    }
  | { msgtype: 'news'; news: { articles: [CustomNewsArticle] } }
  /** A published article of the account, by its material media_id. */
  | { msgtype: 'mpnews'; mpnews: { media_id: string } }
  /** A published article, by the article_id of the publishing API. */
  | { msgtype: 'mpnewsarticle'; mpnewsarticle: { article_id: string } }
  /** A menu of choices the user taps (the tap comes back as a message with `bizmsgmenuid`). */
  | {
      msgtype: 'msgmenu';
      msgmenu: {
        head_content?: string;
        list: { id: string; content: string }[];
        tail_content?: string;
      };
    }
  | { msgtype: 'wxcard'; wxcard: { card_id: string } }
  | {
      msgtype: 'miniprogrampage';
      miniprogrampage: { title: string; appid: string; pagepath: string; thumb_media_id: string };
    }
  /** A link card (图文链接). */
  | {
      msgtype: 'link';
      link: { title: string; description?: string; url: string; thumb_url?: string };
    }
);

/** The message types of `CustomMessage`. */
export type CustomMessageType = CustomMessage['msgtype'];

/** A subscription notification (订阅通知, `/cgi-bin/message/subscribe/bizsend`). */
export interface SubscribeMessage {
  touser: string;
  templateId: string;
  /** A web page to open. */
  page?: string;
  miniprogram?: { appid: string; pagepath: string };
  data: Record<string, { value: string }>;
}
