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

/** A customer-service message (`/cgi-bin/message/custom/send`), inside the 48-hour window. */
export type CustomMessage =
  | { touser: string; msgtype: 'text'; text: { content: string } }
  | { touser: string; msgtype: 'image'; image: { media_id: string } }
  | {
      touser: string;
      msgtype: 'news';
      news: { articles: [{ title: string; description?: string; url: string; picurl?: string }] };
    }
  | {
      touser: string;
      msgtype: 'miniprogrampage';
      miniprogrampage: { title: string; appid: string; pagepath: string; thumb_media_id: string };
    };

/** A subscription notification (订阅通知, `/cgi-bin/message/subscribe/bizsend`). */
export interface SubscribeMessage {
  touser: string;
  templateId: string;
  /** A web page to open. */
  page?: string;
  miniprogram?: { appid: string; pagepath: string };
  data: Record<string, { value: string }>;
}
