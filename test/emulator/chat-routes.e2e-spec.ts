import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WeChatReply } from '../../src/push/push-reply.js';
import { PUSH_UNAVAILABLE_NOTICE, WeChatEmulator } from '../../src/testing/index.js';
import { fetchAccessToken, postJson } from '../support/emulator-http.js';
import { PushReceiver } from '../support/push-receiver.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';
const TOKEN = 'chatToken2024';
const ALICE = 'o_alice_0001';
const BOB = 'o_bob_000002';
const MENU = {
  button: [
    { type: 'click', name: 'Hello', key: 'HELLO' },
    {
      name: 'More',
      sub_button: [
        { type: 'view', name: 'Site', url: 'http://localhost:9/site' },
        { type: 'click', name: 'Deep', key: 'DEEP' },
      ],
    },
  ],
};

type Body = Record<string, unknown>;

describe('the emulator chat routes', () => {
  let emulator: WeChatEmulator;
  let receiver: PushReceiver | undefined;

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
    emulator.addUser({ openid: ALICE, nickname: '<b>Alice</b>' });
    emulator.addUser({ openid: BOB, subscribed: false });
  });
  afterEach(async () => {
    await emulator.close();
    await receiver?.close();
    expect(receiver?.problems ?? []).toEqual([]);
    receiver = undefined;
  });

  const send = async (body: unknown, init: RequestInit = {}) => {
    const res = await fetch(`${emulator.chatUrl}/send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
    return { status: res.status, body: (await res.json()) as Body };
  };

  const state = async (openid?: string) => {
    const query = openid === undefined ? '' : `?openid=${encodeURIComponent(openid)}`;
    const res = await fetch(`${emulator.chatUrl}/state${query}`);
    return { status: res.status, body: (await res.json()) as Body };
  };

  const conversation = async (openid: string) => (await state(openid)).body.conversation as Body[];

  async function configure(): Promise<PushReceiver> {
    receiver = await PushReceiver.start({ token: TOKEN, appId: APP_ID });
    await emulator.configurePush({ url: receiver.url, token: TOKEN, mode: 'plain' });
    return receiver;
  }

  async function createMenuAndQrCode(expireSeconds = 600): Promise<string> {
    const accessToken = await fetchAccessToken(emulator.url, APP_ID, APP_SECRET);
    expect(await postJson(emulator.url, '/cgi-bin/menu/create', accessToken, MENU)).toMatchObject({
      errcode: 0,
    });
    const code = await postJson(emulator.url, '/cgi-bin/qrcode/create', accessToken, {
      expire_seconds: expireSeconds,
      action_name: 'QR_STR_SCENE',
      action_info: { scene: { scene_str: 'poster' } },
    });
    return code.ticket as string;
  }

  it('serves the page at chatUrl with a policy allowing only its own hashed script and style', async () => {
    expect(emulator.chatUrl).toBe(`${emulator.url}/emulator/chat`);
    const res = await fetch(emulator.chatUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(1);
    const digest = createHash('sha256').update(scripts[0]).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${digest}'`);
    // No external resources of any kind.
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect((await fetch(emulator.chatUrl, { method: 'POST' })).status).toBe(405);
  });

  it('answers the state: users, menu, QR codes, follow state and conversation', async () => {
    const empty = await state();
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      account: { appId: APP_ID, originalId: emulator.originalId },
      users: [
        { openid: ALICE, nickname: '<b>Alice</b>', subscribed: true },
        { openid: BOB, subscribed: false },
      ],
      menu: [],
      qrCodes: [],
      conversation: [],
    });
    expect(empty.body.user).toBeUndefined();

    const ticket = await createMenuAndQrCode();
    const alice = await state(ALICE);
    expect(alice.body.user).toMatchObject({ openid: ALICE, subscribed: true });
    expect(alice.body.menu).toEqual(MENU.button);
    expect(alice.body.qrCodes).toEqual([
      expect.objectContaining({ ticket, scene: 'poster', permanent: false, expired: false }),
    ]);
  });

  it('refuses an unknown openid in the state with 400', async () => {
    expect(await state('o_nobody_0001')).toEqual({
      status: 400,
      body: { error: expect.stringContaining('no user o_nobody_0001') },
    });
  });

  it.each([
    ['a body that is not JSON', '{"openid":', /not JSON/],
    ['a JSON array', '[]', /JSON object/],
    ['no openid', { action: 'text', content: 'hi' }, /openid is required/],
    ['an unknown openid', { openid: 'o_nobody_0001', action: 'follow' }, /no user o_nobody_0001/],
    ['no action', { openid: ALICE }, /action must be one of text, click, view, scan/],
    ['an unknown action', { openid: ALICE, action: 'dance' }, /action must be one of/],
    ['a text without content', { openid: ALICE, action: 'text' }, /content is required/],
    ['a text of a number', { openid: ALICE, action: 'text', content: 42 }, /content is required/],
    ['a blank text', { openid: ALICE, action: 'text', content: ' \n ' }, /blank/],
    ['a click without key', { openid: ALICE, action: 'click' }, /key is required/],
    ['a click without a menu', { openid: ALICE, action: 'click', key: 'HELLO' }, /no menu/],
    ['a view without url', { openid: ALICE, action: 'view' }, /url is required/],
    ['a scan without ticket', { openid: ALICE, action: 'scan' }, /ticket is required/],
    ['a scan of an unknown ticket', { openid: ALICE, action: 'scan', ticket: 'x' }, /no QR code/],
  ])('refuses %s with 400', async (_name, body, error) => {
    const res = await send(body);
    expect(res).toEqual({ status: 400, body: { error: expect.stringMatching(error) } });
  });

  it('refuses a menu key or URL the menu lacks with 400', async () => {
    await createMenuAndQrCode();
    const key = await send({ openid: ALICE, action: 'click', key: 'NOPE' });
    expect(key).toEqual({ status: 400, body: { error: expect.stringContaining('"NOPE"') } });
    // A view button's URL is not a click key, and the reverse.
    const url = await send({ openid: ALICE, action: 'click', key: 'http://localhost:9/site' });
    expect(url.status).toBe(400);
    const view = await send({ openid: ALICE, action: 'view', url: 'http://localhost:9/other' });
    expect(view).toEqual({ status: 400, body: { error: expect.stringContaining('no view') } });
  });

  it('refuses other methods, content types and oversized bodies', async () => {
    expect((await fetch(`${emulator.chatUrl}/send`)).status).toBe(405);
    const form = await send('openid=x', { headers: { 'Content-Type': 'text/plain' } });
    expect(form).toEqual({
      status: 415,
      body: { error: expect.stringContaining('application/json') },
    });
    const huge = await send({ openid: ALICE, action: 'text', content: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect((await fetch(`${emulator.chatUrl}/state`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 409 telling to call configurePush when no push URL is set, and keeps no line', async () => {
    const res = await send({ openid: ALICE, action: 'text', content: 'hello' });
    expect(res).toEqual({ status: 409, body: { error: expect.stringContaining('configurePush') } });
    expect(await conversation(ALICE)).toEqual([]);
    expect(emulator.pushLog()).toEqual([]);
  });

  it('refuses with 409 what the follow state forbids, and an expired QR code', async () => {
    await configure();
    const ticket = await createMenuAndQrCode(60);
    const cases: [Body, RegExp][] = [
      [{ openid: ALICE, action: 'follow' }, /already follows/],
      [{ openid: BOB, action: 'unfollow' }, /does not follow/],
      [{ openid: BOB, action: 'text', content: 'hi' }, /does not follow .* first/],
      [{ openid: BOB, action: 'click', key: 'HELLO' }, /does not follow/],
    ];
    for (const [body, error] of cases) {
      expect(await send(body)).toEqual({
        status: 409,
        body: { error: expect.stringMatching(error) },
      });
    }
    emulator.clock.advance(61_000);
    expect(await send({ openid: ALICE, action: 'scan', ticket })).toEqual({
      status: 409,
      body: { error: expect.stringContaining('expired') },
    });
    expect(receiver!.received).toEqual([]);
  });

  it('pushes each action and keeps the lines of both sides, replies of every type readable', async () => {
    const app = await configure();
    const ticket = await createMenuAndQrCode();
    const replies = [
      (push: Parameters<typeof app.reply>[0]) =>
        app.reply(push, WeChatReply.text('<img src=x onerror=alert(1)> & you')),
      (push: Parameters<typeof app.reply>[0]) => app.reply(push, WeChatReply.image('IMG_MEDIA')),
      (push: Parameters<typeof app.reply>[0]) =>
        app.reply(
          push,
          WeChatReply.news({ title: 'Title', description: 'Desc', url: 'http://a.example/' }),
        ),
      (push: Parameters<typeof app.reply>[0]) =>
        app.reply(push, WeChatReply.music({ title: 'Song', thumbMediaId: 'THUMB' })),
      () => 'success',
    ];
    app.respond = (push, index) =>
      index < replies.length ? { body: replies[index](push) } : { status: 500 };

    const actions: Body[] = [
      { action: 'text', content: '<script>alert(1)</script>' },
      { action: 'click', key: 'DEEP' },
      { action: 'view', url: 'http://localhost:9/site' },
      { action: 'scan', ticket },
      { action: 'unfollow' },
      { action: 'follow' },
    ];
    const shown = [];
    for (const action of actions) {
      const res = await send({ openid: ALICE, ...action });
      expect(res.status).toBe(200);
      shown.push((res.body.outcome as Body).shown);
    }
    expect(shown).toEqual(['reply', 'reply', 'reply', 'reply', 'nothing', 'unavailable']);
    expect(app.received.map((push) => push.message.Event ?? push.message.MsgType)).toEqual([
      'text',
      'CLICK',
      'VIEW',
      'SCAN',
      'unsubscribe',
      'subscribe',
      'subscribe',
      'subscribe',
    ]);

    const lines = (await conversation(ALICE)).map(({ from, kind, text, detail }) =>
      detail === undefined ? { from, kind, text } : { from, kind, text, detail },
    );
    expect(lines).toEqual([
      { from: 'user', kind: 'text', text: '<script>alert(1)</script>' },
      { from: 'app', kind: 'text', text: '<img src=x onerror=alert(1)> & you' },
      { from: 'user', kind: 'action', text: 'You tapped "Deep" in the menu' },
      { from: 'app', kind: 'image', text: '[Image]\nMediaId: IMG_MEDIA' },
      {
        from: 'user',
        kind: 'action',
        text: 'You opened "Site" from the menu: http://localhost:9/site',
      },
      {
        from: 'app',
        kind: 'news',
        text: '[News] 1 article\nArticle 1\n  Title: Title\n  Description: Desc\n  Url: http://a.example/',
      },
      { from: 'user', kind: 'action', text: 'You scanned the QR code "poster"' },
      { from: 'app', kind: 'music', text: '[Music]\nTitle: Song\nThumbMediaId: THUMB' },
      { from: 'user', kind: 'action', text: 'You unfollowed the account' },
      { from: 'user', kind: 'action', text: 'You followed the account' },
      {
        from: 'system',
        kind: 'notice',
        text: PUSH_UNAVAILABLE_NOTICE,
        detail: expect.stringContaining('HTTP 500'),
      },
    ]);
    expect(await conversation(BOB)).toEqual([]);
    expect(emulator.user(ALICE)!.subscribed).toBe(true);
  });

  it('keeps the last 200 lines of a conversation', async () => {
    await configure();
    for (let index = 0; index < 205; index++) {
      expect((await send({ openid: ALICE, action: 'text', content: `m${index}` })).status).toBe(
        200,
      );
    }
    const lines = await conversation(ALICE);
    expect(lines).toHaveLength(200);
    expect(lines[0].text).toBe('m5');
    expect(lines[199].text).toBe('m204');
  });
});
