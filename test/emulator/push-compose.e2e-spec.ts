import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TestClock, WeChatEmulator } from '../../src/testing/index.js';
import { fetchAccessToken, getJson, OK_REPLY, postJson } from '../support/emulator-http.js';
import { PushReceiver } from '../support/push-receiver.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const TOKEN = 'pushToken2024';
const ALICE = 'o_alice_0001';
const CAROL = 'o_carol_0003';

const MENU = {
  button: [
    { type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC' },
    {
      name: '菜单',
      sub_button: [
        { type: 'view', name: '搜索', url: 'http://www.soso.com/' },
        { type: 'click', name: '赞一下我们', key: 'V1001_GOOD' },
      ],
    },
  ],
};

// What users do, as the pushes of "接收普通消息" and "接收事件推送" (wechat-push.md section 6).
describe('WeChatEmulator.compose', () => {
  let emulator: WeChatEmulator;
  let receiver: PushReceiver;
  let accessToken: string;

  const post = (path: string, body: unknown) => postJson(emulator.url, path, accessToken, body);
  const userInfo = (openid: string) =>
    getJson(emulator.url, '/cgi-bin/user/info', accessToken, { openid });
  const customText = (openid: string) =>
    post('/cgi-bin/message/custom/send', {
      touser: openid,
      msgtype: 'text',
      text: { content: 'hello' },
    });

  beforeEach(async () => {
    // Frozen: CreateTime is read against the clock, which must not cross a second meanwhile.
    emulator = await WeChatEmulator.start({
      appId: APP_ID,
      appSecret: APP_SECRET,
      clock: new TestClock(Date.UTC(2026, 4, 1, 4), { frozen: true }),
    });
    accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
    emulator.addUser({ openid: ALICE });
    emulator.addUser({ openid: CAROL, subscribed: false });
    receiver = await PushReceiver.start({ token: TOKEN, appId: APP_ID });
    await emulator.configurePush({ url: receiver.url, token: TOKEN, mode: 'plain' });
  });
  afterEach(async () => {
    await emulator.close();
    await receiver.close();
    expect(receiver.problems).toEqual([]);
  });

  it('gives the account an original id derived from the appId, or the one given', async () => {
    expect(emulator.originalId).toMatch(/^gh_[0-9a-f]{12}$/);
    const same = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    const given = await WeChatEmulator.start({
      appId: APP_ID,
      appSecret: APP_SECRET,
      originalId: 'gh_97417a04a28d',
    });
    try {
      expect(same.originalId).toBe(emulator.originalId);
      expect(given.originalId).toBe('gh_97417a04a28d');
      given.addUser({ openid: ALICE });
      expect(given.compose.text(ALICE, 'x').ToUserName).toBe('gh_97417a04a28d');
    } finally {
      await same.close();
      await given.close();
    }
    await expect(
      WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, originalId: 'wx123' }),
    ).rejects.toThrow('WeChatEmulator option originalId must be gh_ and 12 letters or digits');
  });

  it('builds user messages with WeChat fields, in WeChat order', () => {
    const now = Math.floor(emulator.clock.now() / 1000);
    const envelope = { ToUserName: emulator.originalId, FromUserName: ALICE, CreateTime: now };
    const text = emulator.compose.text(ALICE, 'hi');
    expect(text).toEqual({ ...envelope, MsgType: 'text', Content: 'hi', MsgId: text.MsgId });
    expect(Object.keys(text)).toEqual([
      'ToUserName',
      'FromUserName',
      'CreateTime',
      'MsgType',
      'Content',
      'MsgId',
    ]);
    expect(emulator.compose.image(ALICE, { picUrl: 'http://p/1.jpg', mediaId: 'M1' })).toEqual({
      ...envelope,
      MsgType: 'image',
      PicUrl: 'http://p/1.jpg',
      MediaId: 'M1',
      MsgId: expect.stringMatching(/^\d{19}$/),
    });
    expect(emulator.compose.voice(ALICE, { recognition: '你好' })).toMatchObject({
      MsgType: 'voice',
      MediaId: expect.any(String),
      Format: 'amr',
      Recognition: '你好',
    });
    expect(emulator.compose.video(ALICE)).toMatchObject({ MsgType: 'video' });
    expect(emulator.compose.shortVideo(ALICE)).toMatchObject({
      MsgType: 'shortvideo',
      ThumbMediaId: expect.any(String),
    });
    expect(
      emulator.compose.location(ALICE, { x: 23.134521, y: 113.358803, label: '广州' }),
    ).toEqual({
      ...envelope,
      MsgType: 'location',
      Location_X: '23.134521',
      Location_Y: '113.358803',
      Scale: '15',
      Label: '广州',
      MsgId: expect.any(String),
    });
    expect(
      emulator.compose.link(ALICE, { title: 'T', description: 'D', url: 'https://x.y/' }),
    ).toMatchObject({ MsgType: 'link', Title: 'T', Description: 'D', Url: 'https://x.y/' });

    emulator.clock.advance(60_000);
    expect(emulator.compose.text(ALICE, 'later').CreateTime).toBe(now + 60);
  });

  it('gives every message its own 19-digit MsgId, past what a double holds', () => {
    const ids = Array.from({ length: 50 }, () => emulator.compose.text(ALICE, 'x').MsgId);
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) {
      expect(id).toMatch(/^[1-9]\d{18}$/);
      expect(Number.isSafeInteger(Number(id))).toBe(false);
      expect(BigInt(Number(id))).not.toBe(BigInt(id));
    }
  });

  it('refuses users the emulator does not know', () => {
    expect(() => emulator.compose.text('o_nobody_001', 'hi')).toThrow(
      'compose.text: no user o_nobody_001; addUser first',
    );
    expect(() => emulator.compose.menuClick('o_nobody_001', 'K')).toThrow(/no user o_nobody_001/);
  });

  it('pushes WeChat XML: CDATA for text, bare numbers', async () => {
    await emulator.push(emulator.compose.location(ALICE, { x: 23.134521, y: 113.358803 }));
    const [push] = receiver.received;
    expect(push.rawBody).toMatch(
      /^<xml><ToUserName><!\[CDATA\[gh_[0-9a-f]{12}\]\]><\/ToUserName><FromUserName><!\[CDATA\[o_alice_0001\]\]><\/FromUserName><CreateTime>\d{10}<\/CreateTime><MsgType><!\[CDATA\[location\]\]><\/MsgType><Location_X>23.134521<\/Location_X><Location_Y>113.358803<\/Location_Y><Scale>15<\/Scale><Label><!\[CDATA\[\]\]><\/Label><MsgId>\d{19}<\/MsgId><\/xml>$/,
    );
  });

  describe('follows', () => {
    it('a follow makes the user a follower and opens the customer-service window', async () => {
      expect(() => emulator.compose.subscribe(ALICE)).toThrow(/already follows the account/);
      expect(() => emulator.compose.unsubscribe(CAROL)).toThrow(/does not follow the account/);
      expect(await customText(CAROL)).toMatchObject({ errcode: 45015 });

      const subscribe = emulator.compose.subscribe(CAROL);
      expect(subscribe).toEqual({
        ToUserName: emulator.originalId,
        FromUserName: CAROL,
        CreateTime: expect.any(Number),
        MsgType: 'event',
        Event: 'subscribe',
      });
      expect(emulator.user(CAROL)?.subscribed).toBe(false);
      await emulator.push(subscribe);
      expect(emulator.user(CAROL)?.subscribed).toBe(true);
      expect(await userInfo(CAROL)).toMatchObject({
        subscribe: 1,
        subscribe_time: subscribe.CreateTime,
        subscribe_scene: 'ADD_SCENE_OTHERS',
      });
      expect(await customText(CAROL)).toEqual(OK_REPLY);

      await emulator.push(emulator.compose.unsubscribe(CAROL));
      expect(emulator.user(CAROL)?.subscribed).toBe(false);
      expect(await customText(CAROL)).toMatchObject({ errcode: 45015 });
    });

    it('a text opens the customer-service window', async () => {
      expect(await customText(ALICE)).toMatchObject({ errcode: 45015 });
      await emulator.push(emulator.compose.text(ALICE, 'hello'));
      expect(await customText(ALICE)).toEqual(OK_REPLY);
    });
  });

  describe('the menu', () => {
    it('needs a menu the app created', () => {
      expect(() => emulator.compose.menuClick(ALICE, 'V1001_GOOD')).toThrow(
        'compose.menuClick: the account has no menu; create one with menu/create',
      );
    });

    it('clicks the click buttons of the menu, top level and sub buttons', async () => {
      expect(await post('/cgi-bin/menu/create', MENU)).toEqual(OK_REPLY);
      for (const key of ['V1001_TODAY_MUSIC', 'V1001_GOOD']) {
        expect(emulator.compose.menuClick(ALICE, key)).toMatchObject({
          MsgType: 'event',
          Event: 'CLICK',
          EventKey: key,
        });
      }
      expect(() => emulator.compose.menuClick(ALICE, 'V1001_BAD')).toThrow(
        'compose.menuClick: the menu has no click button with key "V1001_BAD"; ' +
          'its click keys: "V1001_TODAY_MUSIC", "V1001_GOOD"',
      );
      expect(await customText(ALICE)).toMatchObject({ errcode: 45015 });
      await emulator.push(emulator.compose.menuClick(ALICE, 'V1001_GOOD'));
      expect(receiver.received[0].message).toMatchObject({
        Event: 'CLICK',
        EventKey: 'V1001_GOOD',
      });
      expect(await customText(ALICE)).toEqual(OK_REPLY);
    });

    it('opens the view buttons of the menu', async () => {
      await post('/cgi-bin/menu/create', MENU);
      expect(emulator.compose.menuView(ALICE, 'http://www.soso.com/')).toMatchObject({
        Event: 'VIEW',
        EventKey: 'http://www.soso.com/',
      });
      expect(() => emulator.compose.menuView(ALICE, 'http://evil.example/')).toThrow(
        /no view button with url "http:\/\/evil.example\/"; its view urls: "http:\/\/www.soso.com\/"/,
      );
    });
  });

  describe('QR codes', () => {
    async function createQrCode(body: object): Promise<string> {
      const answer = await post('/cgi-bin/qrcode/create', body);
      return answer.ticket as string;
    }

    it('a user who does not follow subscribes through the code; a follower scans it', async () => {
      const ticket = await createQrCode({
        expire_seconds: 600,
        action_name: 'QR_SCENE',
        action_info: { scene: { scene_id: 123 } },
      });
      const first = emulator.compose.scanQrCode(CAROL, 123);
      expect(first).toEqual({
        ToUserName: emulator.originalId,
        FromUserName: CAROL,
        CreateTime: expect.any(Number),
        MsgType: 'event',
        Event: 'subscribe',
        EventKey: 'qrscene_123',
        Ticket: ticket,
      });
      await emulator.push(first);
      expect(emulator.user(CAROL)?.subscribed).toBe(true);
      expect(await userInfo(CAROL)).toMatchObject({
        subscribe: 1,
        subscribe_scene: 'ADD_SCENE_QR_CODE',
        qr_scene: 123,
        qr_scene_str: '',
      });

      const again = emulator.compose.scanQrCode(CAROL, ticket);
      expect(again).toMatchObject({ Event: 'SCAN', EventKey: '123', Ticket: ticket });
      await emulator.push(again);
      expect(receiver.received.map((push) => push.message.Event)).toEqual(['subscribe', 'SCAN']);
      expect(receiver.received[1].message).toMatchObject({ EventKey: '123', Ticket: ticket });
    });

    it('finds a code by its scene_str, and refuses unknown and expired codes', async () => {
      const ticket = await createQrCode({
        action_name: 'QR_LIMIT_STR_SCENE',
        action_info: { scene: { scene_str: 'shop_42' } },
      });
      expect(emulator.compose.scanQrCode(ALICE, 'shop_42')).toMatchObject({
        Event: 'SCAN',
        EventKey: 'shop_42',
        Ticket: ticket,
      });
      expect(() => emulator.compose.scanQrCode(ALICE, 'nope')).toThrow(
        'compose.scanQrCode: no QR code with ticket or scene "nope"; create it with qrcode/create',
      );
      await createQrCode({
        expire_seconds: 60,
        action_name: 'QR_SCENE',
        action_info: { scene: { scene_id: 7 } },
      });
      emulator.clock.advance(61_000);
      expect(() => emulator.compose.scanQrCode(ALICE, 7)).toThrow(
        'compose.scanQrCode: the QR code of 7 has expired',
      );
    });
  });

  describe('other events and messages', () => {
    it('reports a template message delivery with MsgID (capital D)', async () => {
      const event = emulator.compose.templateSendJobFinish(ALICE, '3147355467213930497');
      expect(event).toMatchObject({
        Event: 'TEMPLATESENDJOBFINISH',
        MsgID: '3147355467213930497',
        Status: 'success',
      });
      await emulator.push(event);
      expect(receiver.received[0].rawBody).toContain('<MsgID>3147355467213930497</MsgID>');
    });

    it('reports the location', () => {
      expect(
        emulator.compose.locationEvent(ALICE, { latitude: 23.137466, longitude: 113.352425 }),
      ).toMatchObject({
        Event: 'LOCATION',
        Latitude: '23.137466',
        Longitude: '113.352425',
        Precision: expect.any(String),
      });
    });

    it('sends any event, nested as WeChat nests it', async () => {
      const event = emulator.compose.event(ALICE, 'pic_weixin', {
        EventKey: 'rselfmenu_1_2',
        SendPicsInfo: { Count: '2', PicList: [{ PicMd5Sum: 'aaa' }, { PicMd5Sum: 'bbb' }] },
      });
      await emulator.push(event);
      expect(receiver.received[0].rawBody).toContain(
        '<SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum><![CDATA[aaa]]></PicMd5Sum></item>' +
          '<item><PicMd5Sum><![CDATA[bbb]]></PicMd5Sum></item></PicList></SendPicsInfo>',
      );
      const popup = emulator.compose.event(ALICE, 'subscribe_msg_popup_event', {
        SubscribeMsgPopupEvent: {
          List: [
            { TemplateId: 'T1', SubscribeStatusString: 'accept', PopupScene: '2' },
            { TemplateId: 'T2', SubscribeStatusString: 'reject', PopupScene: '2' },
          ],
        },
      });
      await emulator.push(popup);
      expect(receiver.received[1].message.SubscribeMsgPopupEvent).toEqual({
        List: [
          { TemplateId: 'T1', SubscribeStatusString: 'accept', PopupScene: '2' },
          { TemplateId: 'T2', SubscribeStatusString: 'reject', PopupScene: '2' },
        ],
      });
    });

    it('sends message types the library does not know, with all their fields', async () => {
      const message = emulator.compose.message(ALICE, 'miniprogrampage', {
        Title: 'A page',
        AppId: 'wx0000000000000001',
        PagePath: 'pages/index',
      });
      expect(message.MsgId).toMatch(/^\d{19}$/);
      await emulator.push(message);
      expect(receiver.received[0].message).toEqual({
        ...message,
        CreateTime: String(message.CreateTime),
      });
    });

    it('nests lists as JSON arrays in the JSON format', async () => {
      const json = await PushReceiver.start({ token: TOKEN, appId: APP_ID, format: 'json' });
      try {
        await emulator.configurePush({
          url: json.url,
          token: TOKEN,
          mode: 'plain',
          format: 'json',
        });
        await emulator.push(
          emulator.compose.event(ALICE, 'pic_sysphoto', {
            EventKey: 'k',
            SendPicsInfo: { Count: '1', PicList: [{ PicMd5Sum: 'aaa' }] },
          }),
        );
        expect(json.received[0].rawBody).toContain(
          '"SendPicsInfo":{"Count":1,"PicList":[{"PicMd5Sum":"aaa"}]}',
        );
        expect(json.problems).toEqual([]);
      } finally {
        await json.close();
      }
    });
  });
});
