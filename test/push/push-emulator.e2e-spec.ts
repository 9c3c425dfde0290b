import { Injectable, type INestApplication } from '@nestjs/common';
import {
  MenuClient,
  OnWeChatEvent,
  OnWeChatMessage,
  QrCodeClient,
  type WeChatPush,
  WeChatReply,
  type WeChatReplyMessage,
} from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { APP_SECRET, emulatorOptions, startEmulator } from '../support/wechat-test-app.js';
import { AES_KEY, HandlerLog, PLATFORMS, PUSH_TOKEN, startPushApp } from './push-test-app.js';

/** Answers every push with the reply the test planned for it, and records what it saw. */
@Injectable()
class PlannedReplies {
  static next: WeChatReplyMessage | undefined;

  constructor(private readonly log: HandlerLog) {}

  @OnWeChatMessage()
  message(push: WeChatPush): WeChatReplyMessage | undefined {
    this.log.record('message', push);
    return PlannedReplies.next;
  }

  @OnWeChatEvent()
  event(push: WeChatPush): WeChatReplyMessage | undefined {
    this.log.record('event', push);
    return PlannedReplies.next;
  }
}

const USER = 'o_push_user_000000000001';

// Every reply type of wechat-push.md section 7, and the fields the user sees of each.
const REPLIES: [WeChatReplyMessage, Record<string, unknown>][] = [
  [
    WeChatReply.text('你好 <b>&</b> ]]> done'),
    { MsgType: 'text', Content: '你好 <b>&</b> ]]> done' },
  ],
  [WeChatReply.image('IMG'), { MsgType: 'image', Image: { MediaId: 'IMG' } }],
  [WeChatReply.voice('VOICE'), { MsgType: 'voice', Voice: { MediaId: 'VOICE' } }],
  [
    WeChatReply.video('VID', { title: 'T', description: 'D' }),
    { MsgType: 'video', Video: { MediaId: 'VID', Title: 'T', Description: 'D' } },
  ],
  [
    WeChatReply.music({ title: 'Song', musicUrl: 'https://m.example/a.mp3', thumbMediaId: 'TH' }),
    {
      MsgType: 'music',
      Music: { Title: 'Song', MusicUrl: 'https://m.example/a.mp3', ThumbMediaId: 'TH' },
    },
  ],
  [
    WeChatReply.news({
      title: 'News',
      description: 'd',
      picUrl: 'https://p/1.png',
      url: 'https://n/1',
    }),
    { MsgType: 'news', ArticleCount: expect.anything() },
  ],
  [WeChatReply.transferToCustomerService('kf2001@gh'), { MsgType: 'transfer_customer_service' }],
];

// Every message and event of wechat-push.md section 6, as the emulator's users send them.
function everyPush(emulator: WeChatEmulator, ticket: string): [string, () => WeChatPush][] {
  const c = emulator.compose;
  const event =
    (name: string, fields: Record<string, unknown> = {}) =>
    () =>
      c.event(USER, name, fields);
  return [
    ['text', () => c.text(USER, 'hello')],
    ['image', () => c.image(USER)],
    ['voice', () => c.voice(USER, { recognition: '你好' })],
    ['video', () => c.video(USER)],
    ['shortvideo', () => c.shortVideo(USER)],
    ['location', () => c.location(USER, { x: 23.134521, y: 113.358803, label: 'Guangzhou' })],
    ['link', () => c.link(USER, { title: 'L', description: 'D', url: 'https://l.example' })],
    ['unsubscribe', () => c.unsubscribe(USER)],
    ['subscribe through a QR code', () => c.scanQrCode(USER, ticket)],
    ['SCAN', () => c.scanQrCode(USER, ticket)],
    ['LOCATION', () => c.locationEvent(USER, { latitude: 23.1, longitude: 113.3, precision: 119 })],
    ['CLICK', () => c.menuClick(USER, 'K_CLICK')],
    ['VIEW', () => c.menuView(USER, 'https://shop.example/')],
    ['view_miniprogram', event('view_miniprogram', { EventKey: 'pages/index', MenuId: '1' })],
    [
      'scancode_push',
      event('scancode_push', {
        EventKey: 'S',
        ScanCodeInfo: { ScanType: 'qrcode', ScanResult: '1' },
      }),
    ],
    [
      'scancode_waitmsg',
      event('scancode_waitmsg', {
        EventKey: 'S',
        ScanCodeInfo: { ScanType: 'qrcode', ScanResult: '2' },
      }),
    ],
    [
      'pic_sysphoto',
      event('pic_sysphoto', {
        EventKey: 'P',
        SendPicsInfo: { Count: 1, PicList: [{ PicMd5Sum: 'a' }] },
      }),
    ],
    [
      'pic_photo_or_album',
      event('pic_photo_or_album', {
        EventKey: 'P',
        SendPicsInfo: { Count: 2, PicList: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] },
      }),
    ],
    [
      'pic_weixin',
      event('pic_weixin', {
        EventKey: 'P',
        SendPicsInfo: { Count: 1, PicList: [{ PicMd5Sum: 'c' }] },
      }),
    ],
    [
      'location_select',
      event('location_select', {
        EventKey: 'L',
        SendLocationInfo: {
          Location_X: '23',
          Location_Y: '113',
          Scale: '15',
          Label: 'x',
          Poiname: '',
        },
      }),
    ],
    ['TEMPLATESENDJOBFINISH', () => c.templateSendJobFinish(USER, '200163836')],
    [
      'MASSSENDJOBFINISH',
      event('MASSSENDJOBFINISH', {
        MsgID: '1988',
        Status: 'sendsuccess',
        TotalCount: 100,
        FilterCount: 80,
        SentCount: 75,
        ErrorCount: 5,
      }),
    ],
    [
      'PUBLISHJOBFINISH',
      event('PUBLISHJOBFINISH', {
        PublishEventInfo: { publish_id: '2247503051', publish_status: 0 },
      }),
    ],
    [
      'subscribe_msg_popup_event',
      event('subscribe_msg_popup_event', {
        SubscribeMsgPopupEvent: {
          List: [{ TemplateId: 't1', SubscribeStatusString: 'accept', PopupScene: '0' }],
        },
      }),
    ],
    [
      'subscribe_msg_change_event',
      event('subscribe_msg_change_event', {
        SubscribeMsgChangeEvent: {
          List: [
            { TemplateId: 't1', SubscribeStatusString: 'reject' },
            { TemplateId: 't2', SubscribeStatusString: 'reject' },
          ],
        },
      }),
    ],
    [
      'subscribe_msg_sent_event',
      event('subscribe_msg_sent_event', {
        SubscribeMsgSentEvent: {
          List: [
            {
              TemplateId: 't1',
              MsgID: '1700827132819554304',
              ErrorCode: '0',
              ErrorStatus: 'success',
            },
          ],
        },
      }),
    ],
    ['an event nobody documented', event('brand_new_event', { Anything: 'kept' })],
    [
      'a message type nobody documented',
      () => c.message(USER, 'brand_new_type', { Anything: 'kept' }),
    ],
  ];
}

const MODES = [
  ['plain', 'xml'],
  ['compatible', 'xml'],
  ['safe', 'xml'],
  ['plain', 'json'],
  ['compatible', 'json'],
  ['safe', 'json'],
] as const;

describe.each(PLATFORMS)("the emulator's pushes to an app on %s", (platform) => {
  let emulator: WeChatEmulator;
  let app: INestApplication;
  let url: string;
  let log: HandlerLog;
  let ticket: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    emulator.addUser({ openid: USER, subscribed: true });
    const options = {
      ...emulatorOptions(emulator),
      appSecret: APP_SECRET,
      push: { token: PUSH_TOKEN, encodingAESKey: AES_KEY },
    };
    const started = await startPushApp(platform, options, { providers: [PlannedReplies] });
    ({ app, url, log } = started);
    await app.get(MenuClient).create({
      button: [
        { type: 'click', name: 'Click', key: 'K_CLICK' },
        { type: 'view', name: 'Shop', url: 'https://shop.example/' },
      ],
    });
    ticket = (await app.get(QrCodeClient).createTemporary({ sceneStr: 'poster-7' })).ticket;
  });
  afterAll(async () => {
    await app?.close();
    await emulator?.close();
  });

  describe.each(MODES)('in %s mode, %s', (mode, format) => {
    beforeAll(() =>
      emulator.configurePush({
        url: `${url}/wechat/push`,
        token: PUSH_TOKEN,
        encodingAESKey: AES_KEY,
        mode,
        format,
      }),
    );

    it('delivers every message and event typed, and shows every reply type', async () => {
      const pushes = everyPush(emulator, ticket);
      for (const [index, [what, compose]] of pushes.entries()) {
        const [reply, shown] = REPLIES[index % REPLIES.length];
        // WeChat shows nothing to a user who just unfollowed, so nothing is planned for them.
        PlannedReplies.next = what === 'unsubscribe' ? undefined : reply;
        log.calls.length = 0;
        // A second apart: two events of one user, type and key within one second are one push
        // and its retry (wechat-push.md section 5), which the endpoint answers from memory.
        emulator.clock.advance(1000);
        const sent = compose();
        const outcome = await emulator.push(sent);
        expect({ what, outcome: outcome.shown }).toEqual({
          what,
          outcome: PlannedReplies.next ? 'reply' : 'nothing',
        });
        if (outcome.shown === 'reply') {
          expect(outcome.reply).toMatchObject({
            ToUserName: USER,
            FromUserName: emulator.originalId,
            ...shown,
          });
          expect(outcome.encrypted).toBe(mode !== 'plain');
          expect(outcome.tries).toBe(1);
        }
        expect(log.calls).toHaveLength(1);
        expect(log.calls[0].push).toMatchObject(expectedPush(sent));
      }
    });
  });

  it('gives a QR subscribe and a SCAN the same scene, and keeps 64-bit MsgIds exact', async () => {
    await emulator.configurePush({
      url: `${url}/wechat/push`,
      token: PUSH_TOKEN,
      encodingAESKey: AES_KEY,
      mode: 'safe',
      format: 'json',
    });
    PlannedReplies.next = undefined;
    emulator.addUser({ openid: 'o_push_newcomer_00000001', subscribed: false });
    log.calls.length = 0;
    await emulator.push(emulator.compose.scanQrCode('o_push_newcomer_00000001', ticket));
    await emulator.push(emulator.compose.scanQrCode('o_push_newcomer_00000001', ticket));
    const text = emulator.compose.text(USER, 'id check');
    await emulator.push(text);
    const [subscribe, scan, message] = log.calls.map(
      (c) => c.push as unknown as Record<string, unknown>,
    );
    expect([subscribe.Event, subscribe.EventKey, subscribe.scene]).toEqual([
      'subscribe',
      'qrscene_poster-7',
      'poster-7',
    ]);
    expect([scan.Event, scan.EventKey, scan.scene]).toEqual(['SCAN', 'poster-7', 'poster-7']);
    expect(BigInt(text.MsgId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(message.MsgId).toBe(text.MsgId);
  });
});

// What the handler must see of a push: every field sent, values as strings (CreateTime a number),
// lists as arrays.
function expectedPush(sent: WeChatPush): Record<string, unknown> {
  const asStrings = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(asStrings);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asStrings(v)]));
    }
    return String(value);
  };
  const fields = asStrings(sent) as Record<string, unknown>;
  return { ...fields, CreateTime: sent.CreateTime };
}
