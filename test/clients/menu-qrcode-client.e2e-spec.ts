import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type Menu,
  MenuClient,
  QrCodeClient,
  WeChatApiClient,
  WeChatArgumentError,
} from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { startClientApp } from './client-app.js';

const MENU: Menu = {
  button: [
    { type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC' },
    {
      name: '菜单',
      sub_button: [
        { type: 'view', name: '搜索', url: 'https://www.soso.com/' },
        { type: 'click', name: '赞一下我们', key: 'V1001_GOOD' },
      ],
    },
  ],
};

describe('MenuClient and QrCodeClient', () => {
  let app: Awaited<ReturnType<typeof startClientApp>>;
  let emulator: WeChatEmulator;

  beforeEach(async () => {
    app = await startClientApp();
    emulator = app.emulator;
  });
  afterEach(async () => app.close());

  it('creates a menu that reads back, shows in the self-menu info, and deletes', async () => {
    const menus = app.moduleRef.get(MenuClient);
    expect(await menus.get()).toBeUndefined();
    await menus.create(MENU);
    expect(await menus.get()).toEqual(MENU);
    const current = await menus.getCurrentSelfMenuInfo();
    expect(current.is_menu_open).toBe(1);
    expect(current.selfmenu_info?.button[1]).toMatchObject({
      name: '菜单',
      sub_button: { list: expect.any(Array) },
    });
    await menus.delete();
    expect(await menus.get()).toBeUndefined();
  });

  it.each([
    ['no buttons', { button: [] }, 'menu.button'],
    [
      'four buttons',
      { button: Array.from({ length: 4 }, (_, i) => ({ type: 'click', name: `b${i}`, key: 'k' })) },
      'menu.button',
    ],
    [
      'a 17-byte name',
      { button: [{ type: 'click', name: '一二三四五六', key: 'k' }] },
      'menu.button[0].name',
    ],
    [
      'six sub buttons',
      {
        button: [
          {
            name: 'm',
            sub_button: Array.from({ length: 6 }, () => ({ type: 'click', name: 's', key: 'k' })),
          },
        ],
      },
      'menu.button[0].sub_button',
    ],
    ['a click without key', { button: [{ type: 'click', name: 'b' }] }, 'menu.button[0].key'],
    [
      'a view with a 1025-byte url',
      { button: [{ type: 'view', name: 'b', url: `https://a.test/${'x'.repeat(1010)}` }] },
      'menu.button[0].url',
    ],
    ['an unknown type', { button: [{ type: 'teleport', name: 'b' }] }, 'menu.button[0].type'],
  ])('refuses %s locally, naming the button', async (_label, menu, argument) => {
    const menus = app.moduleRef.get(MenuClient);
    const error = await menus.create(menu as Menu).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatArgumentError);
    expect(error).toMatchObject({ argument, kind: 'invalid-argument' });
    expect(emulator.callCount('/cgi-bin/menu/create')).toBe(0);
  });

  it('the emulator refuses what slips past (bytes counted as WeChat does)', async () => {
    const res = await app.moduleRef
      .get(WeChatApiClient)
      .post('/cgi-bin/menu/create', { button: [{ type: 'click', name: '一二三四五六', key: 'k' }] })
      .catch((e: unknown) => e);
    expect(res).toMatchObject({ errcode: 40018, kind: 'invalid-argument' });
  });

  it('creates temporary and permanent QR codes, with a working image URL', async () => {
    const qr = app.moduleRef.get(QrCodeClient);
    const temporary = await qr.createTemporary({ sceneId: 123 }, 3600);
    expect(temporary).toMatchObject({
      ticket: expect.any(String),
      url: expect.any(String),
      expireSeconds: 3600,
    });
    const permanent = await qr.createPermanent({ sceneStr: 'campaign-2026' });
    expect(permanent.expireSeconds).toBeUndefined();
    const image = await fetch(qr.imageUrl(permanent.ticket));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\//);
    expect((await fetch(qr.imageUrl('not-a-ticket'))).status).toBe(404);
  });

  it.each([
    [
      'a permanent scene id above 100000',
      (qr: QrCodeClient) => qr.createPermanent({ sceneId: 100_001 }),
    ],
    ['a zero scene id', (qr: QrCodeClient) => qr.createTemporary({ sceneId: 0 })],
    [
      'a 65-character scene string',
      (qr: QrCodeClient) => qr.createPermanent({ sceneStr: 'x'.repeat(65) }),
    ],
    [
      'a lifetime above 30 days',
      (qr: QrCodeClient) => qr.createTemporary({ sceneId: 1 }, 2_592_001),
    ],
  ])('refuses %s locally', async (_label, create) => {
    await expect(create(app.moduleRef.get(QrCodeClient))).rejects.toBeInstanceOf(
      WeChatArgumentError,
    );
    expect(emulator.callCount('/cgi-bin/qrcode/create')).toBe(0);
  });
});
