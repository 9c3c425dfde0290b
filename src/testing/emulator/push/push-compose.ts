import {
  type ClickEvent,
  type ImageMessage,
  type LinkMessage,
  type LocationEvent,
  type LocationMessage,
  type OtherWeChatPush,
  type ScanEvent,
  type SubscribeEvent,
  type TemplateSendJobFinishEvent,
  type TextMessage,
  type UnsubscribeEvent,
  type VideoMessage,
  type ViewEvent,
  type VoiceMessage,
} from '../../../push/push-message.types.js';
import { type EmulatorClock } from '../emulator-clock.js';
import { type EmulatorMenuButton } from '../emulator-menu.js';
import { type EmulatorUser, type EmulatorUsers } from '../emulator-users.js';
import { type EmulatorQrCode } from '../qr-codes.js';
import { type MsgIdSequence, userMediaId } from './push-ids.js';

/** A `SCAN` event as WeChat sends it: without the `scene` the library adds on receipt. */
export type SentScanEvent = Omit<ScanEvent, 'scene'>;
/** A QR code's `subscribe` as WeChat sends it: `EventKey` `qrscene_<scene>` and `Ticket`. */
export type SentSubscribeEvent = Omit<SubscribeEvent, 'scene'>;

/**
 * Builders of what users do, as the messages WeChat pushes for it (WeChat's field names;
 * "接收普通消息" https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html,
 * "接收事件推送" https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html).
 * Each reads the emulator's state now (the user must exist; follow state, menu and QR codes are
 * checked) and changes nothing: `push` applies the effects.
 */
export interface EmulatorPushComposer {
  /** The user sends a text. */
  text(openid: string, content: string): TextMessage;
  /** The user sends a picture; default a random media id and an mmbiz URL (not served). */
  image(openid: string, options?: { picUrl?: string; mediaId?: string }): ImageMessage;
  /** The user sends a voice message; `recognition` when speech recognition is on. */
  voice(
    openid: string,
    options?: { mediaId?: string; format?: string; recognition?: string },
  ): VoiceMessage;
  /** The user sends a video. */
  video(openid: string, options?: { mediaId?: string; thumbMediaId?: string }): VideoMessage;
  /** The user sends a short video (小视频). */
  shortVideo(openid: string, options?: { mediaId?: string; thumbMediaId?: string }): VideoMessage;
  /** The user sends a location: `x` latitude, `y` longitude; `scale` default 15. */
  location(
    openid: string,
    place: { x: number; y: number; scale?: number; label?: string },
  ): LocationMessage;
  /** The user sends a link. */
  link(openid: string, link: { title: string; description: string; url: string }): LinkMessage;
  /** A user who does not follow the account follows it (search, profile card…). */
  subscribe(openid: string): SubscribeEvent;
  /** A follower unfollows. */
  unsubscribe(openid: string): UnsubscribeEvent;
  /** A tap on the `click` button of this key in the menu the app created. */
  menuClick(openid: string, key: string): ClickEvent;
  /** A tap on the `view` button of this URL in the menu the app created. */
  menuView(openid: string, url: string): ViewEvent;
  /**
   * The user scans a QR code the app created (by its ticket, scene_id or scene_str): a user who
   * does not follow gets `subscribe` with `EventKey` `qrscene_<scene>`, a follower `SCAN`.
   */
  scanQrCode(openid: string, ticketOrScene: string | number): SentSubscribeEvent | SentScanEvent;
  /** The client reports the user's location (上报地理位置), when the account asks for it. */
  locationEvent(
    openid: string,
    where: { latitude: number; longitude: number; precision?: number },
  ): LocationEvent;
  /** A template message's delivery report: `success`, `failed:user block`… */
  templateSendJobFinish(openid: string, msgId: string, status?: string): TemplateSendJobFinishEvent;
  /** Any event, known or not: `Event` and the extra fields, which may override the defaults. */
  event(openid: string, event: string, fields?: Record<string, unknown>): OtherWeChatPush;
  /** Any message type, known or not, with a fresh `MsgId` unless `fields` gives one. */
  message(openid: string, msgType: string, fields?: Record<string, unknown>): OtherWeChatPush;
}

/** What the builders read. */
export interface ComposeState {
  users: EmulatorUsers;
  clock: EmulatorClock;
  originalId: string;
  msgIds: MsgIdSequence;
  menu(): EmulatorMenuButton[] | undefined;
  qrCodes(): EmulatorQrCode[];
}

const MSG_ID = /^[0-9]{1,20}$/;

/** The builders over the emulator's state. */
export function createPushComposer(state: ComposeState): EmulatorPushComposer {
  const envelope = (builder: string, openid: string, msgType: string) => {
    if (!state.users.get(openid)) {
      throw new Error(`compose.${builder}: no user ${String(openid)}; addUser first`);
    }
    return {
      ToUserName: state.originalId,
      FromUserName: openid,
      CreateTime: Math.floor(state.clock.now() / 1000),
      MsgType: msgType,
    };
  };
  const user = (openid: string): EmulatorUser => state.users.get(openid)!;
  const userMessage = <T extends string>(builder: string, openid: string, type: T) => ({
    ...envelope(builder, openid, type),
    MsgType: type,
  });
  const eventOf = <E extends string>(builder: string, openid: string, event: E) => ({
    ...envelope(builder, openid, 'event'),
    MsgType: 'event' as const,
    Event: event,
  });
  const videoOf = (
    builder: string,
    openid: string,
    type: 'video' | 'shortvideo',
    options: { mediaId?: string; thumbMediaId?: string } = {},
  ): VideoMessage => ({
    ...userMessage(builder, openid, type),
    MediaId: options.mediaId ?? userMediaId(),
    ThumbMediaId: options.thumbMediaId ?? userMediaId(),
    MsgId: state.msgIds.take(),
  });

  return Object.freeze({
    text(openid: string, content: string): TextMessage {
      if (typeof content !== 'string') throw new TypeError('compose.text: content is a string');
      return {
        ...userMessage('text', openid, 'text'),
        Content: content,
        MsgId: state.msgIds.take(),
      };
    },

    image(openid: string, options: { picUrl?: string; mediaId?: string } = {}): ImageMessage {
      const base = userMessage('image', openid, 'image');
      const mediaId = options.mediaId ?? userMediaId();
      return {
        ...base,
        PicUrl: options.picUrl ?? `http://mmbiz.qpic.cn/mmbiz_jpg/${mediaId.slice(0, 32)}/0`,
        MediaId: mediaId,
        MsgId: state.msgIds.take(),
      };
    },

    voice(
      openid: string,
      options: { mediaId?: string; format?: string; recognition?: string } = {},
    ): VoiceMessage {
      return {
        ...userMessage('voice', openid, 'voice'),
        MediaId: options.mediaId ?? userMediaId(),
        Format: options.format ?? 'amr',
        ...(options.recognition === undefined ? {} : { Recognition: options.recognition }),
        MsgId: state.msgIds.take(),
      };
    },

    video: (openid: string, options?: { mediaId?: string; thumbMediaId?: string }) =>
      videoOf('video', openid, 'video', options),

    shortVideo: (openid: string, options?: { mediaId?: string; thumbMediaId?: string }) =>
      videoOf('shortVideo', openid, 'shortvideo', options),

    location(
      openid: string,
      place: { x: number; y: number; scale?: number; label?: string },
    ): LocationMessage {
      const base = userMessage('location', openid, 'location');
      if (!Number.isFinite(place?.x) || !Number.isFinite(place?.y)) {
        throw new TypeError('compose.location: x (latitude) and y (longitude) are numbers');
      }
      return {
        ...base,
        Location_X: String(place.x),
        Location_Y: String(place.y),
        Scale: String(place.scale ?? 15),
        Label: place.label ?? '',
        MsgId: state.msgIds.take(),
      };
    },

    link(openid: string, link: { title: string; description: string; url: string }): LinkMessage {
      return {
        ...userMessage('link', openid, 'link'),
        Title: link.title,
        Description: link.description,
        Url: link.url,
        MsgId: state.msgIds.take(),
      };
    },

    subscribe(openid: string): SubscribeEvent {
      const event = eventOf('subscribe', openid, 'subscribe');
      if (user(openid).subscribed) {
        throw new Error(
          `compose.subscribe: ${openid} already follows the account; add the user with ` +
            'subscribed: false, or push compose.unsubscribe first',
        );
      }
      return event;
    },

    unsubscribe(openid: string): UnsubscribeEvent {
      const event = eventOf('unsubscribe', openid, 'unsubscribe');
      if (!user(openid).subscribed) {
        throw new Error(`compose.unsubscribe: ${openid} does not follow the account`);
      }
      return event;
    },

    menuClick(openid: string, key: string): ClickEvent {
      const event = eventOf('menuClick', openid, 'CLICK');
      const buttons = menuLeaves('menuClick', state.menu(), 'click');
      if (!buttons.some((button) => button.key === key)) {
        const keys = buttons.map((button) => JSON.stringify(button.key)).join(', ') || 'none';
        throw new Error(
          `compose.menuClick: the menu has no click button with key ${JSON.stringify(key)}; ` +
            `its click keys: ${keys}`,
        );
      }
      return { ...event, EventKey: key };
    },

    menuView(openid: string, url: string): ViewEvent {
      const event = eventOf('menuView', openid, 'VIEW');
      const buttons = menuLeaves('menuView', state.menu(), 'view');
      if (!buttons.some((button) => button.url === url)) {
        const urls = buttons.map((button) => JSON.stringify(button.url)).join(', ') || 'none';
        throw new Error(
          `compose.menuView: the menu has no view button with url ${JSON.stringify(url)}; ` +
            `its view urls: ${urls}`,
        );
      }
      return { ...event, EventKey: url };
    },

    scanQrCode(openid: string, ticketOrScene: string | number): SentSubscribeEvent | SentScanEvent {
      envelope('scanQrCode', openid, 'event');
      const code = findQrCode(state, ticketOrScene);
      const scene = 'scene_id' in code.scene ? String(code.scene.scene_id) : code.scene.scene_str;
      if (!user(openid).subscribed) {
        return {
          ...eventOf('scanQrCode', openid, 'subscribe'),
          EventKey: `qrscene_${scene}`,
          Ticket: code.ticket,
        };
      }
      return { ...eventOf('scanQrCode', openid, 'SCAN'), EventKey: scene, Ticket: code.ticket };
    },

    locationEvent(
      openid: string,
      where: { latitude: number; longitude: number; precision?: number },
    ): LocationEvent {
      const event = eventOf('locationEvent', openid, 'LOCATION');
      if (!Number.isFinite(where?.latitude) || !Number.isFinite(where?.longitude)) {
        throw new TypeError('compose.locationEvent: latitude and longitude are numbers');
      }
      return {
        ...event,
        Latitude: String(where.latitude),
        Longitude: String(where.longitude),
        Precision: String(where.precision ?? 65),
      };
    },

    templateSendJobFinish(
      openid: string,
      msgId: string,
      status = 'success',
    ): TemplateSendJobFinishEvent {
      const event = eventOf('templateSendJobFinish', openid, 'TEMPLATESENDJOBFINISH');
      if (typeof msgId !== 'string' || !MSG_ID.test(msgId)) {
        throw new TypeError('compose.templateSendJobFinish: msgId is the msgid digits, a string');
      }
      return { ...event, MsgID: msgId, Status: status };
    },

    event(openid: string, event: string, fields: Record<string, unknown> = {}): OtherWeChatPush {
      if (typeof event !== 'string' || event === '') {
        throw new TypeError('compose.event: the Event is a non-empty string');
      }
      return { ...eventOf('event', openid, event), ...fields };
    },

    message(
      openid: string,
      msgType: string,
      fields: Record<string, unknown> = {},
    ): OtherWeChatPush {
      if (typeof msgType !== 'string' || msgType === '') {
        throw new TypeError('compose.message: the MsgType is a non-empty string');
      }
      return {
        ...envelope('message', openid, msgType),
        ...fields,
        MsgId: fields.MsgId ?? state.msgIds.take(),
      };
    },
  });
}

function menuLeaves(
  builder: string,
  menu: EmulatorMenuButton[] | undefined,
  type: string,
): EmulatorMenuButton[] {
  if (!menu) {
    throw new Error(`compose.${builder}: the account has no menu; create one with menu/create`);
  }
  // Parents have no type; a leaf may carry an empty sub_button list (menu-rules.ts).
  return menu
    .flatMap((button) => [button, ...(button.sub_button ?? [])])
    .filter((b) => b.type === type);
}

// A ticket first, then the newest live code of the scene (temporary codes of one scene repeat).
function findQrCode(state: ComposeState, ticketOrScene: string | number): EmulatorQrCode {
  const now = state.clock.now();
  const codes = state.qrCodes();
  const matches = codes.filter((code) => code.ticket === ticketOrScene);
  const chosen =
    matches.length > 0 ? matches : codes.filter((code) => hasScene(code, ticketOrScene));
  if (chosen.length === 0) {
    throw new Error(
      `compose.scanQrCode: no QR code with ticket or scene ${JSON.stringify(ticketOrScene)}; ` +
        'create it with qrcode/create',
    );
  }
  const live = chosen.filter((code) => code.expiresAt === undefined || now < code.expiresAt);
  if (live.length === 0) {
    throw new Error(
      `compose.scanQrCode: the QR code of ${JSON.stringify(ticketOrScene)} has expired`,
    );
  }
  return live[live.length - 1];
}

function hasScene(code: EmulatorQrCode, scene: string | number): boolean {
  // A scene_id may be given as a number or as its digits.
  if ('scene_id' in code.scene) return String(code.scene.scene_id) === String(scene);
  return code.scene.scene_str === scene;
}
