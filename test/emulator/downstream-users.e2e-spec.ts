import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TestClock, WeChatEmulator } from '../../src/testing/index.js';
import { getJson, postJson, refused } from '../support/emulator-http.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'emulator-spec-secret-0123456789ab';

// WeChat's time stands still: a follower added now followed at exactly this moment.
const STILL_AT = Date.UTC(2025, 0, 15, 4);
const clock = new TestClock(STILL_AT, { frozen: true });

type Body = Record<string, unknown>;

describe('WeChatEmulator users and tags', () => {
  let emulator: WeChatEmulator;
  let accessToken: string;

  async function get(path: string, query: Record<string, string> = {}): Promise<Body> {
    return getJson(emulator.url, path, accessToken, query);
  }

  async function post(path: string, body: unknown): Promise<Body> {
    return postJson(emulator.url, path, accessToken, body);
  }

  beforeEach(async () => {
    emulator = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, clock });
    const res = await fetch(
      `${emulator.url}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${APP_SECRET}`,
    );
    accessToken = ((await res.json()) as Body).access_token as string;
    emulator.addUser({ openid: 'o_alice_0001', unionid: 'u_alice', subscribeTime: 1_700_000_000 });
    emulator.addUser({ openid: 'o_bob_000002', subscribeScene: 'ADD_SCENE_SEARCH' });
    emulator.addUser({ openid: 'o_carol_0003', subscribed: false });
  });
  afterEach(async () => emulator.close());

  describe('user/info', () => {
    it('answers a follower with the fields WeChat still returns, and no nickname or avatar', async () => {
      expect(await get('/cgi-bin/user/info', { openid: 'o_alice_0001', lang: 'zh_CN' })).toEqual({
        subscribe: 1,
        openid: 'o_alice_0001',
        subscribe_time: 1_700_000_000,
        unionid: 'u_alice',
        remark: '',
        groupid: 0,
        tagid_list: [],
        subscribe_scene: 'ADD_SCENE_QR_CODE',
        qr_scene: 0,
        qr_scene_str: '',
      });
      const bob = await get('/cgi-bin/user/info', { openid: 'o_bob_000002' });
      expect(bob).toMatchObject({ subscribe_scene: 'ADD_SCENE_SEARCH' });
      expect(bob).not.toHaveProperty('unionid');
      expect(bob.subscribe_time).toBe(STILL_AT / 1000);
    });

    it('answers only subscribe 0 and the openid for a user who does not follow', async () => {
      expect(await get('/cgi-bin/user/info', { openid: 'o_carol_0003' })).toEqual({
        subscribe: 0,
        openid: 'o_carol_0003',
      });
    });

    it('answers 40003 for an unknown openid and checks the token first', async () => {
      expect(await get('/cgi-bin/user/info', { openid: 'o_nobody_999' })).toEqual(refused(40003));
      expect((await get('/cgi-bin/user/info', { openid: 'o_nobody_999' })).errmsg).toMatch(
        /^invalid openid rid: /,
      );
      const res = await fetch(`${emulator.url}/cgi-bin/user/info?openid=o_alice_0001`);
      expect(await res.json()).toMatchObject({ errcode: 41001 });
    });
  });

  describe('user/info/batchget', () => {
    it('answers the users in the order asked', async () => {
      const body = await post('/cgi-bin/user/info/batchget', {
        user_list: [{ openid: 'o_bob_000002', lang: 'zh_CN' }, { openid: 'o_carol_0003' }],
      });
      expect(body).toEqual({
        user_info_list: [
          expect.objectContaining({ subscribe: 1, openid: 'o_bob_000002' }),
          { subscribe: 0, openid: 'o_carol_0003' },
        ],
      });
    });

    it('refuses an empty list or more than 100 (47003), and unknown openids (40003)', async () => {
      const many = emulator.addFollowers(101).map((openid) => ({ openid }));
      expect(await post('/cgi-bin/user/info/batchget', { user_list: many })).toEqual(
        refused(47003),
      );
      const hundred = await post('/cgi-bin/user/info/batchget', { user_list: many.slice(0, 100) });
      expect(hundred.user_info_list).toHaveLength(100);
      expect(await post('/cgi-bin/user/info/batchget', { user_list: [] })).toEqual(refused(47003));
      expect(
        await post('/cgi-bin/user/info/batchget', {
          user_list: [{ openid: 'o_alice_0001' }, { openid: 'o_nobody_999' }],
        }),
      ).toEqual(refused(40003));
    });
  });

  describe('user/get', () => {
    it('pages 25,000 followers by 10,000, skipping those who do not follow', async () => {
      const followers = emulator.addFollowers(25_000);
      expect(followers[0]).toBe('o_follower_000000');
      expect(followers[24_999]).toBe('o_follower_024999');
      // Added after: followers come in the order they were added.
      const all = ['o_alice_0001', 'o_bob_000002', ...followers];

      const first = await get('/cgi-bin/user/get');
      expect(first).toMatchObject({ total: 25_002, count: 10_000, next_openid: all[9_999] });
      expect((first.data as { openid: string[] }).openid).toEqual(all.slice(0, 10_000));

      const second = await get('/cgi-bin/user/get', { next_openid: first.next_openid as string });
      expect(second).toMatchObject({ total: 25_002, count: 10_000, next_openid: all[19_999] });
      expect((second.data as { openid: string[] }).openid).toEqual(all.slice(10_000, 20_000));

      const third = await get('/cgi-bin/user/get', { next_openid: second.next_openid as string });
      expect(third).toMatchObject({ total: 25_002, count: 5_002, next_openid: '' });
      const openids = (third.data as { openid: string[] }).openid;
      expect(openids).toEqual(all.slice(20_000));
      expect(openids).not.toContain('o_carol_0003');

      const after = await get('/cgi-bin/user/get', { next_openid: all[all.length - 1] });
      expect(after).toEqual({ total: 25_002, count: 0, next_openid: '' });
    });

    it('numbers further followers on from earlier calls with the same prefix', () => {
      expect(emulator.addFollowers(2, 'o_fan_')).toEqual(['o_fan_000000', 'o_fan_000001']);
      expect(emulator.addFollowers(1, 'o_fan_')).toEqual(['o_fan_000002']);
      expect(emulator.user('o_fan_000002')).toMatchObject({ subscribed: true });
    });

    it('answers 40003 for an unknown next_openid, and an empty list without data', async () => {
      expect(await get('/cgi-bin/user/get', { next_openid: 'o_nobody_999' })).toEqual(
        refused(40003),
      );
      const empty = await WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET });
      try {
        const res = await fetch(
          `${empty.url}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${APP_SECRET}`,
        );
        const token = ((await res.json()) as Body).access_token as string;
        const list = await fetch(`${empty.url}/cgi-bin/user/get?access_token=${token}`);
        expect(await list.json()).toEqual({ total: 0, count: 0, next_openid: '' });
      } finally {
        await empty.close();
      }
    });
  });

  describe('user/info/updateremark', () => {
    it('sets the remark that user/info then shows', async () => {
      const remark = '十个汉字的备注名称啊';
      expect(Buffer.byteLength(remark)).toBe(30);
      expect(
        await post('/cgi-bin/user/info/updateremark', { openid: 'o_alice_0001', remark }),
      ).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await get('/cgi-bin/user/info', { openid: 'o_alice_0001' })).toMatchObject({
        remark,
      });
      expect(emulator.user('o_alice_0001')?.remark).toBe(remark);
    });

    it('refuses a remark over 30 bytes (40092), strangers (40003), non-followers (43004)', async () => {
      const update = (openid: string, remark: string) =>
        post('/cgi-bin/user/info/updateremark', { openid, remark });
      expect(await update('o_alice_0001', '十一个汉字的备注名称啊')).toEqual(refused(40092));
      expect(await update('o_alice_0001', 'x'.repeat(31))).toEqual(refused(40092));
      expect(await update('o_nobody_999', 'VIP')).toEqual(refused(40003));
      expect(await update('o_carol_0003', 'VIP')).toEqual(refused(43004));
      expect(emulator.user('o_alice_0001')?.remark).toBe('');
    });

    it('is POST-only (43002) and wants a body (44002)', async () => {
      expect(await get('/cgi-bin/user/info/updateremark')).toEqual(refused(43002));
      const res = await fetch(
        `${emulator.url}/cgi-bin/user/info/updateremark?access_token=${accessToken}`,
        { method: 'POST' },
      );
      expect(await res.json()).toEqual(refused(44002));
    });
  });

  describe('tags', () => {
    const create = (name: string) => post('/cgi-bin/tags/create', { tag: { name } });
    const tagging = (openid_list: unknown[], tagid: number) =>
      post('/cgi-bin/tags/members/batchtagging', { openid_list, tagid });
    const untagging = (openid_list: unknown[], tagid: number) =>
      post('/cgi-bin/tags/members/batchuntagging', { openid_list, tagid });

    it('creates tags from id 100 and lists them with the star group and their counts', async () => {
      expect(await create('广东')).toEqual({ tag: { id: 100, name: '广东' } });
      expect(await create('VIP')).toEqual({ tag: { id: 101, name: 'VIP' } });
      expect(await tagging(['o_alice_0001', 'o_bob_000002'], 100)).toEqual({
        errcode: 0,
        errmsg: 'ok',
      });
      expect(await get('/cgi-bin/tags/get')).toEqual({
        tags: [
          { id: 2, name: '星标组', count: 0 },
          { id: 100, name: '广东', count: 2 },
          { id: 101, name: 'VIP', count: 0 },
        ],
      });
    });

    it('refuses long (45158), empty or duplicate (45157) names, and a 101st tag (45056)', async () => {
      expect(await create('十一个汉字的标签名称啊')).toEqual(refused(45158));
      expect(await create('')).toEqual(refused(45157));
      await create('VIP');
      expect(await create('VIP')).toEqual(refused(45157));
      expect(await create('星标组')).toEqual(refused(45157));
      expect(await post('/cgi-bin/tags/create', {})).toEqual(refused(44002));
      for (let i = 2; i <= 100; i++) expect(await create(`tag ${i}`)).toHaveProperty('tag');
      expect(await create('one too many')).toEqual(refused(45056));
    });

    it('tags and untags users, which user/info shows', async () => {
      await create('A');
      await create('B');
      await tagging(['o_alice_0001'], 101);
      await tagging(['o_alice_0001', 'o_alice_0001'], 100);
      await tagging(['o_alice_0001'], 101);
      expect(await get('/cgi-bin/user/info', { openid: 'o_alice_0001' })).toMatchObject({
        tagid_list: [101, 100],
      });
      expect(await untagging(['o_alice_0001', 'o_bob_000002'], 101)).toEqual({
        errcode: 0,
        errmsg: 'ok',
      });
      expect(emulator.user('o_alice_0001')?.tagIds).toEqual([100]);
    });

    it('refuses bad member lists (40032), unknown tags (45159) and openids (40003)', async () => {
      await create('A');
      const fifty = emulator.addFollowers(51);
      expect(await tagging(fifty, 100)).toEqual(refused(40032));
      expect(await tagging([], 100)).toEqual(refused(40032));
      expect(await tagging(fifty.slice(0, 50), 100)).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await tagging(['o_alice_0001'], 999)).toEqual(refused(45159));
      expect(await untagging(['o_alice_0001'], 999)).toEqual(refused(45159));
      expect(await tagging(['o_alice_0001', 'o_nobody_999'], 100)).toEqual(refused(40003));
      expect(emulator.user('o_alice_0001')?.tagIds).toEqual([]);
    });

    it('gives a user at most 20 tags (45059)', async () => {
      for (let i = 0; i < 21; i++) await create(`tag ${i}`);
      for (let id = 100; id < 120; id++) await tagging(['o_bob_000002'], id);
      expect(await tagging(['o_alice_0001', 'o_bob_000002'], 120)).toEqual(refused(45059));
      expect(emulator.user('o_alice_0001')?.tagIds).toEqual([]);
      expect(await tagging(['o_bob_000002'], 119)).toEqual({ errcode: 0, errmsg: 'ok' });
    });

    it('deletes a tag and takes it off its users; system tags are not deletable', async () => {
      await create('A');
      await tagging(['o_alice_0001'], 100);
      expect(await post('/cgi-bin/tags/delete', { tag: { id: 100 } })).toEqual({
        errcode: 0,
        errmsg: 'ok',
      });
      expect(emulator.user('o_alice_0001')?.tagIds).toEqual([]);
      expect(await get('/cgi-bin/tags/get')).toEqual({
        tags: [{ id: 2, name: '星标组', count: 0 }],
      });
      expect(await post('/cgi-bin/tags/delete', { tag: { id: 100 } })).toEqual(refused(45159));
      expect(await post('/cgi-bin/tags/delete', { tag: { id: 2 } })).toEqual(refused(45058));
      expect(await post('/cgi-bin/tags/delete', { tag: {} })).toEqual(refused(44002));
      expect((await create('B')).tag).toEqual({ id: 101, name: 'B' });
    });
  });
});
