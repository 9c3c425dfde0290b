import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { UserClient, WeChatApiError, WeChatArgumentError } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { startClientApp } from './client-app.js';

describe('UserClient', () => {
  let app: Awaited<ReturnType<typeof startClientApp>>;
  let emulator: WeChatEmulator;
  let users: UserClient;

  beforeEach(async () => {
    app = await startClientApp();
    emulator = app.emulator;
    users = app.moduleRef.get(UserClient);
    emulator.addUser({ openid: 'o_alice_0001', nickname: 'Alice', unionid: 'u_alice' });
    emulator.addUser({ openid: 'o_gone_00002', subscribed: false });
  });
  afterEach(async () => app.close());

  it('reads a follower and a non-follower', async () => {
    expect(await users.getInfo('o_alice_0001')).toMatchObject({
      subscribe: 1,
      openid: 'o_alice_0001',
      unionid: 'u_alice',
    });
    expect(await users.getInfo('o_gone_00002')).toEqual({ subscribe: 0, openid: 'o_gone_00002' });
    await expect(users.getInfo('o_nobody_0003')).rejects.toMatchObject({
      errcode: 40003,
      kind: 'invalid-argument',
    });
  });

  it('reads up to 100 users in one call, and refuses more locally', async () => {
    const infos = await users.batchGetInfo(['o_alice_0001', 'o_gone_00002']);
    expect(infos.map((i) => i.subscribe)).toEqual([1, 0]);
    await expect(
      users.batchGetInfo(Array.from({ length: 101 }, (_, i) => `o_x_${i}`)),
    ).rejects.toBeInstanceOf(WeChatArgumentError);
  });

  it('iterates the follower list over several pages', async () => {
    emulator.addFollowers(25_000);
    const page = await users.getFollowerPage();
    expect(page.total).toBe(25_001);
    expect(page.openids).toHaveLength(10_000);
    const seen: string[] = [];
    for await (const openid of users.followers()) seen.push(openid);
    expect(seen).toHaveLength(25_001);
    expect(new Set(seen).size).toBe(25_001);
    expect(seen).not.toContain('o_gone_00002');
    expect(emulator.callCount('/cgi-bin/user/get')).toBe(1 + 3);
  });

  it('sets a remark that user/info then shows', async () => {
    await users.setRemark('o_alice_0001', 'VIP since 2020');
    expect(await users.getInfo('o_alice_0001')).toMatchObject({ remark: 'VIP since 2020' });
    await expect(users.setRemark('o_alice_0001', 'x'.repeat(31))).rejects.toBeInstanceOf(
      WeChatArgumentError,
    );
  });

  it('creates, lists, applies, removes and deletes tags', async () => {
    const id = await users.createTag('Shenzhen');
    await users.tagUsers(id, ['o_alice_0001']);
    expect(await users.listTags()).toContainEqual({ id, name: 'Shenzhen', count: 1 });
    expect(await users.getInfo('o_alice_0001')).toMatchObject({ tagid_list: [id] });
    await users.untagUsers(id, ['o_alice_0001']);
    expect(await users.listTags()).toContainEqual({ id, name: 'Shenzhen', count: 0 });
    await users.deleteTag(id);
    expect((await users.listTags()).map((t) => t.id)).not.toContain(id);
    const duplicate = await users
      .createTag('Dup')
      .then(() => users.createTag('Dup').catch((e: unknown) => e));
    expect(duplicate).toBeInstanceOf(WeChatApiError);
    expect(duplicate).toMatchObject({ kind: 'invalid-argument' });
    await expect(users.createTag('x'.repeat(31))).rejects.toBeInstanceOf(WeChatArgumentError);
    await expect(users.tagUsers(id, [])).rejects.toBeInstanceOf(WeChatArgumentError);
  });

  it('refuses a malformed openid before calling WeChat', async () => {
    await expect(users.getInfo('bad openid!')).rejects.toBeInstanceOf(WeChatArgumentError);
    expect(emulator.callCount('/cgi-bin/user/info')).toBe(0);
  });
});
