/**
 * What WeChat pushes, with WeChat's own field names (wechat-push.md section 6), so its
 * documentation reads against these types. Every value is a string as WeChat's XML carries it
 * (`MsgId` too: a 64-bit integer), except `CreateTime`, a number of seconds. Fields the library
 * adds are in lower case (`scene`).
 */
export interface WeChatPushBase {
  /** The account's original id (`gh_…`). */
  ToUserName: string;
  /** The user's openid. */
  FromUserName: string;
  /** Seconds since the epoch. */
  CreateTime: number;
  MsgType: string;
}

interface UserMessageBase extends WeChatPushBase {
  /** A 64-bit integer, kept as its digits. */
  MsgId: string;
  /** Set when the message comes from an article's comment or a mass message (图文消息). */
  MsgDataId?: string;
  Idx?: string;
}

export interface TextMessage extends UserMessageBase {
  MsgType: 'text';
  Content: string;
}

export interface ImageMessage extends UserMessageBase {
  MsgType: 'image';
  PicUrl: string;
  MediaId: string;
}

export interface VoiceMessage extends UserMessageBase {
  MsgType: 'voice';
  MediaId: string;
  /** `amr`, `speex`… */
  Format: string;
  /** The speech recognised, when the account turned recognition on. */
  Recognition?: string;
  MediaId16K?: string;
}

export interface VideoMessage extends UserMessageBase {
  MsgType: 'video' | 'shortvideo';
  MediaId: string;
  ThumbMediaId: string;
}

export interface LocationMessage extends UserMessageBase {
  MsgType: 'location';
  /** Latitude. */
  Location_X: string;
  /** Longitude. */
  Location_Y: string;
  Scale: string;
  Label: string;
}

export interface LinkMessage extends UserMessageBase {
  MsgType: 'link';
  Title: string;
  Description: string;
  Url: string;
}

/** A message a user sent. */
export type WeChatMessage =
  TextMessage | ImageMessage | VoiceMessage | VideoMessage | LocationMessage | LinkMessage;

/** The `MsgType` of a message a user sent. */
export type WeChatMessageType = WeChatMessage['MsgType'];

interface EventBase extends WeChatPushBase {
  MsgType: 'event';
  Event: string;
}

/** A follow; through a scene QR code it carries `EventKey` `qrscene_<scene>`, `Ticket`, `scene`. */
export interface SubscribeEvent extends EventBase {
  Event: 'subscribe';
  EventKey?: string;
  Ticket?: string;
  /** The scene of the QR code scanned to follow, without WeChat's `qrscene_` prefix. */
  scene?: string;
}

export interface UnsubscribeEvent extends EventBase {
  Event: 'unsubscribe';
}

/** A scene QR code scanned by a user who already follows. */
export interface ScanEvent extends EventBase {
  Event: 'SCAN';
  /** The scene, as WeChat sends it. */
  EventKey: string;
  Ticket: string;
  /** The same as `EventKey`: reads like `SubscribeEvent.scene`. */
  scene: string;
}

export interface LocationEvent extends EventBase {
  Event: 'LOCATION';
  Latitude: string;
  Longitude: string;
  Precision: string;
}

/** A tap on a `click` button of the menu; `EventKey` is the button's key. */
export interface ClickEvent extends EventBase {
  Event: 'CLICK';
  EventKey: string;
}

/** A tap on a `view` button; `EventKey` is its URL. */
export interface ViewEvent extends EventBase {
  Event: 'VIEW';
  EventKey: string;
  MenuId?: string;
}

export interface ViewMiniProgramEvent extends EventBase {
  Event: 'view_miniprogram';
  /** The mini program page path. */
  EventKey: string;
  MenuId?: string;
}

export interface ScanCodeEvent extends EventBase {
  Event: 'scancode_push' | 'scancode_waitmsg';
  EventKey: string;
  ScanCodeInfo: { ScanType: string; ScanResult: string };
}

export interface SendPicsEvent extends EventBase {
  Event: 'pic_sysphoto' | 'pic_photo_or_album' | 'pic_weixin';
  EventKey: string;
  /** `PicList` is always an array, however many pictures WeChat listed. */
  SendPicsInfo: { Count: string; PicList: { PicMd5Sum: string }[] };
}

export interface LocationSelectEvent extends EventBase {
  Event: 'location_select';
  EventKey: string;
  SendLocationInfo: {
    Location_X: string;
    Location_Y: string;
    Scale: string;
    Label: string;
    Poiname?: string;
  };
}

export interface TemplateSendJobFinishEvent extends EventBase {
  Event: 'TEMPLATESENDJOBFINISH';
  /** The template message's msgid (note WeChat's capital D here). */
  MsgID: string;
  /** `success`, `failed:user block`, `failed: system failed`. */
  Status: string;
}

export interface MassSendJobFinishEvent extends EventBase {
  Event: 'MASSSENDJOBFINISH';
  MsgID: string;
  Status: string;
  TotalCount?: string;
  FilterCount?: string;
  SentCount?: string;
  ErrorCount?: string;
}

export interface PublishJobFinishEvent extends EventBase {
  Event: 'PUBLISHJOBFINISH';
  PublishEventInfo: Record<string, unknown>;
}

/** `List` is always an array, however many templates WeChat listed. */
export interface SubscribeMsgPopupEvent extends EventBase {
  Event: 'subscribe_msg_popup_event';
  SubscribeMsgPopupEvent: {
    List: { TemplateId: string; SubscribeStatusString: string; PopupScene: string }[];
  };
}

export interface SubscribeMsgChangeEvent extends EventBase {
  Event: 'subscribe_msg_change_event';
  SubscribeMsgChangeEvent: { List: { TemplateId: string; SubscribeStatusString: string }[] };
}

export interface SubscribeMsgSentEvent extends EventBase {
  Event: 'subscribe_msg_sent_event';
  SubscribeMsgSentEvent: {
    List: { TemplateId: string; MsgID: string; ErrorCode: string; ErrorStatus: string }[];
  };
}

/** An event WeChat pushed. */
export type WeChatEvent =
  | SubscribeEvent
  | UnsubscribeEvent
  | ScanEvent
  | LocationEvent
  | ClickEvent
  | ViewEvent
  | ViewMiniProgramEvent
  | ScanCodeEvent
  | SendPicsEvent
  | LocationSelectEvent
  | TemplateSendJobFinishEvent
  | MassSendJobFinishEvent
  | PublishJobFinishEvent
  | SubscribeMsgPopupEvent
  | SubscribeMsgChangeEvent
  | SubscribeMsgSentEvent;

/** The `Event` of an event WeChat pushed. */
export type WeChatEventType = WeChatEvent['Event'];

/** A push of a type this library does not know: every field WeChat sent, nothing dropped. */
export interface OtherWeChatPush extends WeChatPushBase {
  Event?: string;
  [field: string]: unknown;
}

/** Anything WeChat pushes. */
export type WeChatPush = WeChatMessage | WeChatEvent | OtherWeChatPush;
