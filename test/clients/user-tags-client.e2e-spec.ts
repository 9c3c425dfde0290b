import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { UserClient, WeChatArgumentError } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { startClientApp } from './client-app.js';

// The tag pages of https://developers.weixin.qq.com/doc/service/api/usermanage/tag/:
// api_updatetag (POST tags/update { tag: { id, name } }; 45157 duplicate or invalid name, 45158
// over 30 bytes, 45058 "不能修改0/1/2这三个系统默认保留的标签"), api_gettagidlist (POST
// tags/getidlist { openid } → { tagid_list }) and api_gettagfans (POST user/tag/get
// { tagid, next_openid } → { count, data: { openid }, next_openid: "拉取列表最后一个用户的openid" }).
describe('UserClient tag updates and lookups', () => {
  let app: Awaited<ReturnType<typeof startClientApp>>;
  let emulator: WeChatEmulator;
  let users: UserClient;

  beforeEach(async () => {
    app = await startClientApp();
    emulator = app.emulator;
    users = app.moduleRef.get(UserClient);
  });
  afterEach(async () => app.close());

  it('renames a tag, and refuses a duplicate name, a long name and the system tags', async () => {
    const vip = await users.createTag('VIP');
    const guangdong = await users.createTag('广东');
    await users.updateTag(vip, 'Gold');
    expect((await users.listTags()).find((tag) => tag.id === vip)?.name).toBe('Gold');
    await expect(users.updateTag(guangdong, 'Gold')).rejects.toMatchObject({ errcode: 45157 });
    await expect(users.updateTag(2, 'Stars')).rejects.toMatchObject({ errcode: 45058 });
    await expect(users.updateTag(9999, 'Nope')).rejects.toMatchObject({ errcode: 45159 });
    await expect(users.updateTag(vip, '广'.repeat(11))).rejects.toBeInstanceOf(WeChatArgumentError);
  });

  it("reads a user's tag ids and a tag's users, page by page", async () => {
    const openids = emulator.addFollowers(3, 'o_tagged_');
    emulator.addUser({ openid: 'o_untagged_1' });
    const vip = await users.createTag('VIP');
    await users.tagUsers(vip, openids);
    await users.tagUsers(2, [openids[0]]);
    expect(await users.getUserTagIds(openids[0])).toEqual([vip, 2]);
    expect(await users.getUserTagIds('o_untagged_1')).toEqual([]);
    await expect(users.getUserTagIds('o_nobody_9999')).rejects.toMatchObject({ errcode: 40003 });

    const first = await users.getTagUserPage(vip);
    expect(first).toEqual({ openids, nextOpenid: openids[2] });
    expect(await users.getTagUserPage(vip, first.nextOpenid)).toEqual({
      openids: [],
      nextOpenid: '',
    });
    const all: string[] = [];
    for await (const openid of users.usersOfTag(vip)) all.push(openid);
    expect(all).toEqual(openids);
    await expect(users.getTagUserPage(9999)).rejects.toMatchObject({ errcode: 45159 });
  });
});
