import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WeChatEmulator } from '../../src/testing/index.js';
import {
  fetchAccessToken,
  getJson,
  OK_REPLY,
  postJson,
  refused,
} from '../support/emulator-http.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';

type Body = Record<string, unknown>;

describe('WeChatEmulator menu and QR codes', () => {
  let emulator: WeChatEmulator;
  let accessToken: string;

  async function freshToken(): Promise<void> {
    accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
  }

  async function get(path: string, query: Record<string, string> = {}): Promise<Body> {
    return getJson(emulator.url, path, accessToken, query);
  }

  async function post(path: string, body: unknown): Promise<Body> {
    return postJson(emulator.url, path, accessToken, body);
  }

  const OK = OK_REPLY;

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    await freshToken();
  });
  afterEach(async () => emulator.close());

  describe('menu', () => {
    const SUB = [
      { type: 'view', name: '搜索', url: 'http://www.soso.com/' },
      {
        type: 'miniprogram',
        name: 'wxa',
        url: 'http://mp.weixin.qq.com',
        appid: 'wx286b93c14bbf93aa',
        pagepath: 'pages/lunar/index',
      },
      { type: 'click', name: '赞一下我们', key: 'V1001_GOOD' },
    ];
    const MENU = {
      button: [
        { type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC', extra: 'dropped' },
        { name: '菜单', sub_button: SUB },
        { type: 'article_id', name: '文章', article_id: 'ARTICLE_ID' },
      ],
    };
    const STORED = [
      { type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC' },
      { name: '菜单', sub_button: SUB },
      { type: 'article_id', name: '文章', article_id: 'ARTICLE_ID' },
    ];

    it('stores a valid menu and answers it in menu/get shape', async () => {
      expect(await post('/cgi-bin/menu/create', MENU)).toEqual(OK);
      expect(emulator.menu()).toEqual({ button: STORED });
      const leaf = (button: object) => ({ ...button, sub_button: [] });
      expect(await get('/cgi-bin/menu/get')).toEqual({
        menu: {
          button: [leaf(STORED[0]), { name: '菜单', sub_button: SUB.map(leaf) }, leaf(STORED[2])],
        },
      });
    });

    it('answers get_current_selfmenu_info with sub buttons in a list', async () => {
      expect(await get('/cgi-bin/get_current_selfmenu_info')).toEqual({
        is_menu_open: 0,
        selfmenu_info: { button: [] },
      });
      await post('/cgi-bin/menu/create', MENU);
      expect(await get('/cgi-bin/get_current_selfmenu_info')).toEqual({
        is_menu_open: 1,
        selfmenu_info: {
          button: [STORED[0], { name: '菜单', sub_button: { list: SUB } }, STORED[2]],
        },
      });
    });

    it('takes back what menu/get answered', async () => {
      await post('/cgi-bin/menu/create', MENU);
      const read = (await get('/cgi-bin/menu/get')).menu;
      expect(await post('/cgi-bin/menu/create', read)).toEqual(OK);
      expect(emulator.menu()).toEqual({ button: STORED });
    });

    it('deletes the menu; menu/get then answers 46003', async () => {
      expect(await get('/cgi-bin/menu/get')).toEqual(refused(46003));
      await post('/cgi-bin/menu/create', MENU);
      expect(await get('/cgi-bin/menu/delete')).toEqual(OK);
      expect(await get('/cgi-bin/menu/get')).toMatchObject({ errmsg: /^menu no exist rid: / });
      expect(emulator.menu()).toBeUndefined();
    });

    const click = (name = 'ok', key = 'K') => ({ type: 'click', name, key });
    const parent = (...sub_button: object[]) => ({ name: 'parent', sub_button });
    it.each([
      ['no buttons', 40016, []],
      ['4 buttons', 40016, [click(), click(), click(), click()]],
      ['6 sub buttons', 40023, [parent(...Array.from({ length: 6 }, () => click()))]],
      ['no sub buttons', 40023, [{ name: 'parent', sub_button: [] }]],
      ['a top name of 17 bytes', 40018, [click('x'.repeat(17))]],
      ['a top name of 18 bytes in Chinese', 40018, [click('六个汉字名字')]],
      ['an empty name', 40018, [click('')]],
      ['a parent name of 17 bytes', 40018, [{ ...parent(click()), name: 'x'.repeat(17) }]],
      ['a sub name of 61 bytes', 40025, [parent(click('x'.repeat(61)))]],
      ['an unknown type', 40017, [{ type: 'sing', name: 'x' }]],
      ['an unknown sub type', 40024, [parent({ type: 'sing', name: 'x' })]],
      ['a click without key', 40019, [{ type: 'click', name: 'x' }]],
      ['a key of 129 bytes', 40019, [click('x', 'k'.repeat(129))]],
      ['a sub key of 129 bytes', 40026, [parent(click('x', 'k'.repeat(129)))]],
      ['a view without url', 40020, [{ type: 'view', name: 'x' }]],
      ['a url of 1025 bytes', 40020, [{ type: 'view', name: 'x', url: 'u'.repeat(1025) }]],
      [
        'a sub url of 1025 bytes',
        40027,
        [parent({ type: 'view', name: 'x', url: 'u'.repeat(1025) })],
      ],
      ['a sub menu in a sub menu', 40022, [parent(parent(click()))]],
      [
        'a miniprogram without appid',
        47003,
        [{ type: 'miniprogram', name: 'x', url: 'u', pagepath: 'p' }],
      ],
      ['a media_id button without media_id', 47003, [{ type: 'media_id', name: 'x' }]],
    ])('refuses %s (%i)', async (_case, errcode, button) => {
      expect(await post('/cgi-bin/menu/create', { button })).toEqual(refused(errcode));
      expect(emulator.menu()).toBeUndefined();
    });

    it('accepts the limits themselves: 3 buttons, 5 sub buttons, 16/60-byte names', async () => {
      const menu = {
        button: [
          click('x'.repeat(16), 'k'.repeat(128)),
          click('五个汉字名'),
          parent(...Array.from({ length: 5 }, () => click('y'.repeat(60)))),
        ],
      };
      expect(await post('/cgi-bin/menu/create', menu)).toEqual(OK);
    });

    it('is created by POST only (43002)', async () => {
      expect(await get('/cgi-bin/menu/create')).toEqual(refused(43002));
    });
  });

  describe('QR codes', () => {
    const create = (body: object) => post('/cgi-bin/qrcode/create', body);
    const show = (ticket: string) =>
      fetch(`${emulator.url}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`);

    it('creates a temporary code that lives 60 s by default', async () => {
      const code = await create({
        action_name: 'QR_SCENE',
        action_info: { scene: { scene_id: 123 } },
      });
      expect(code).toEqual({
        ticket: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
        expire_seconds: 60,
        url: expect.stringMatching(/^http:\/\/weixin\.qq\.com\/q\/[A-Za-z0-9_-]+$/),
      });
      const image = await show(code.ticket as string);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/jpg');
      const bytes = Buffer.from(await image.arrayBuffer());
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));

      emulator.clock.advance(59_000);
      expect((await show(code.ticket as string)).status).toBe(200);
      emulator.clock.advance(1_000);
      expect((await show(code.ticket as string)).status).toBe(404);
    });

    it('clamps expire_seconds to 30 days, and takes string scenes', async () => {
      const code = await create({
        expire_seconds: 3_000_000,
        action_name: 'QR_STR_SCENE',
        action_info: { scene: { scene_str: 'invite:alice' } },
      });
      expect(code.expire_seconds).toBe(2_592_000);
      const hour = await create({
        expire_seconds: 3600,
        action_name: 'QR_SCENE',
        action_info: { scene: { scene_id: 4_294_967_295 } },
      });
      expect(hour.expire_seconds).toBe(3600);
    });

    it('creates permanent codes without expiry, the same code for the same scene', async () => {
      const body = { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100_000 } } };
      const code = await create(body);
      expect(code).toEqual({ ticket: expect.any(String), url: expect.any(String) });
      expect(await create(body)).toEqual(code);
      const str = await create({
        action_name: 'QR_LIMIT_STR_SCENE',
        action_info: { scene: { scene_str: 's'.repeat(64) } },
      });
      expect(str.ticket).not.toBe(code.ticket);
      emulator.clock.advance(365 * 86_400_000);
      expect((await show(code.ticket as string)).status).toBe(200);
      expect(emulator.qrCodes()).toEqual([
        {
          ticket: code.ticket,
          url: code.url,
          actionName: 'QR_LIMIT_SCENE',
          scene: { scene_id: 100_000 },
        },
        expect.objectContaining({
          actionName: 'QR_LIMIT_STR_SCENE',
          scene: { scene_str: 's'.repeat(64) },
        }),
      ]);
    });

    it('lists temporary codes with their scene and expiry', async () => {
      const before = emulator.clock.now();
      await create({ action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: 'a' } } });
      const [code] = emulator.qrCodes();
      expect(code).toMatchObject({ actionName: 'QR_STR_SCENE', scene: { scene_str: 'a' } });
      expect(code.expireSeconds).toBe(60);
      expect(code.expiresAt! - before).toBeGreaterThanOrEqual(60_000);
    });

    it.each([
      [
        'an unknown action_name',
        40052,
        { action_name: 'QR_FOREVER', action_info: { scene: { scene_id: 1 } } },
      ],
      ['a missing action_name', 40052, { action_info: { scene: { scene_id: 1 } } }],
      [
        'a permanent scene_id over 100000',
        40053,
        { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100_001 } } },
      ],
      ['scene_id 0', 40053, { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 0 } } }],
      [
        'a fractional scene_id',
        40053,
        { action_name: 'QR_SCENE', action_info: { scene: { scene_id: 1.5 } } },
      ],
      [
        'a scene_str where scene_id is due',
        40053,
        { action_name: 'QR_SCENE', action_info: { scene: { scene_str: '1' } } },
      ],
      [
        'a scene_str of 65 characters',
        40053,
        {
          action_name: 'QR_LIMIT_STR_SCENE',
          action_info: { scene: { scene_str: 's'.repeat(65) } },
        },
      ],
      [
        'an empty scene_str',
        40053,
        { action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: '' } } },
      ],
      ['no action_info', 40053, { action_name: 'QR_SCENE' }],
    ])('refuses %s (%i)', async (_case, errcode, body) => {
      expect(await create(body)).toEqual(refused(errcode));
      expect(emulator.qrCodes()).toEqual([]);
    });

    it('answers 404 for an unknown ticket, or one that was not URL-encoded', async () => {
      expect((await show('bm90IGEgdGlja2V0')).status).toBe(404);
      expect((await fetch(`${emulator.url}/cgi-bin/showqrcode`)).status).toBe(404);
      // Tickets are base64: a + left unencoded reaches WeChat as a space.
      let ticket = '';
      for (let i = 0; i < 50 && !ticket.includes('+'); i++) {
        ticket = (
          await create({ action_name: 'QR_SCENE', action_info: { scene: { scene_id: 1 } } })
        ).ticket as string;
      }
      expect(ticket).toContain('+');
      expect((await fetch(`${emulator.url}/cgi-bin/showqrcode?ticket=${ticket}`)).status).toBe(404);
      expect((await show(ticket)).status).toBe(200);
    });
  });
});
