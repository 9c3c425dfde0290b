import { WeChatArgumentError } from '../wechat-api.error.js';
import { WeChatApiClient } from '../wechat-api.client.js';
import {
  type FollowerPage,
  type TagUserPage,
  type UserInfo,
  type UserLanguage,
  type UserTag,
} from './user.types.js';

const BATCH_MAX = 100;
const TAGGING_MAX = 50;
const REMARK_MAX = 30;
const TAG_NAME_MAX_BYTES = 30;

/** Followers of the account: profiles, the follower list, remarks and tags. */
export class UserClient {
  constructor(private readonly api: WeChatApiClient) {}

  /** A user's subscription info (`/cgi-bin/user/info`). */
  async getInfo(openid: string, lang: UserLanguage = 'zh_CN'): Promise<UserInfo> {
    return this.api.get<UserInfo>('/cgi-bin/user/info', { openid: checkOpenid(openid), lang });
  }

  /** Up to 100 users' info in one call (`/cgi-bin/user/info/batchget`). */
  async batchGetInfo(openids: string[], lang: UserLanguage = 'zh_CN'): Promise<UserInfo[]> {
    checkList('openids', openids, BATCH_MAX);
    const reply = await this.api.post<{ user_info_list: UserInfo[] }>(
      '/cgi-bin/user/info/batchget',
      {
        user_list: openids.map((openid) => ({ openid: checkOpenid(openid), lang })),
      },
    );
    return reply.user_info_list;
  }

  /** One page of followers (10,000 at most), from `nextOpenid` on. */
  async getFollowerPage(nextOpenid = ''): Promise<FollowerPage> {
    const reply = await this.api.get<{
      total: number;
      count: number;
      data?: { openid: string[] };
      next_openid: string;
    }>('/cgi-bin/user/get', { next_openid: nextOpenid });
    return {
      total: reply.total,
      openids: reply.data?.openid ?? [],
      nextOpenid: reply.count > 0 ? reply.next_openid : '',
    };
  }

  /** Every follower's openid, page by page as the iteration goes (`for await`). */
  async *followers(): AsyncGenerator<string, void, undefined> {
    let next = '';
    do {
      const page = await this.getFollowerPage(next);
      yield* page.openids;
      next = page.nextOpenid;
    } while (next);
  }

  /** Sets the account's remark (alias) for a follower, at most 30 characters. */
  async setRemark(openid: string, remark: string): Promise<void> {
    if (typeof remark !== 'string' || [...remark].length > REMARK_MAX) {
      throw new WeChatArgumentError(
        'remark',
        `must be a string of at most ${REMARK_MAX} characters`,
      );
    }
    await this.api.post('/cgi-bin/user/info/updateremark', { openid: checkOpenid(openid), remark });
  }

  /** Creates a tag (name at most 30 bytes); resolves to its id. */
  async createTag(name: string): Promise<number> {
    const reply = await this.api.post<{ tag: { id: number } }>('/cgi-bin/tags/create', {
      tag: { name: checkTagName(name) },
    });
    return reply.tag.id;
  }

  /** Renames a tag (`/cgi-bin/tags/update`); WeChat's own tags 0, 1 and 2 cannot be renamed. */
  async updateTag(tagId: number, name: string): Promise<void> {
    await this.api.post('/cgi-bin/tags/update', {
      tag: { id: checkTagId(tagId), name: checkTagName(name) },
    });
  }

  /** The ids of the tags a user carries (`/cgi-bin/tags/getidlist`). */
  async getUserTagIds(openid: string): Promise<number[]> {
    const reply = await this.api.post<{ tagid_list: number[] }>('/cgi-bin/tags/getidlist', {
      openid: checkOpenid(openid),
    });
    return reply.tagid_list ?? [];
  }

  /** One page of a tag's users (`/cgi-bin/user/tag/get`), from after `nextOpenid` on. */
  async getTagUserPage(tagId: number, nextOpenid = ''): Promise<TagUserPage> {
    const reply = await this.api.post<{
      count: number;
      data?: { openid: string[] };
      next_openid?: string;
    }>('/cgi-bin/user/tag/get', { tagid: checkTagId(tagId), next_openid: nextOpenid });
    const openids = reply.data?.openid ?? [];
    // WeChat names the last openid of every page, the last page too: an empty page ends the list.
    return { openids, nextOpenid: reply.count > 0 ? (reply.next_openid ?? '') : '' };
  }

  /** Every user of a tag, page by page as the iteration goes (`for await`). */
  async *usersOfTag(tagId: number): AsyncGenerator<string, void, undefined> {
    let next = '';
    do {
      const page = await this.getTagUserPage(tagId, next);
      yield* page.openids;
      next = page.nextOpenid;
    } while (next);
  }

  /** The account's tags with their user counts. */
  async listTags(): Promise<UserTag[]> {
    return (await this.api.get<{ tags: UserTag[] }>('/cgi-bin/tags/get')).tags;
  }

  /** Deletes a tag. */
  async deleteTag(tagId: number): Promise<void> {
    await this.api.post('/cgi-bin/tags/delete', { tag: { id: checkTagId(tagId) } });
  }

  /** Puts a tag on up to 50 users. */
  async tagUsers(tagId: number, openids: string[]): Promise<void> {
    await this.api.post('/cgi-bin/tags/members/batchtagging', taggingBody(tagId, openids));
  }

  /** Takes a tag off up to 50 users. */
  async untagUsers(tagId: number, openids: string[]): Promise<void> {
    await this.api.post('/cgi-bin/tags/members/batchuntagging', taggingBody(tagId, openids));
  }
}

function taggingBody(tagId: number, openids: string[]) {
  checkList('openids', openids, TAGGING_MAX);
  return { openid_list: openids.map(checkOpenid), tagid: checkTagId(tagId) };
}

function checkOpenid(openid: string): string {
  if (typeof openid !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(openid)) {
    throw new WeChatArgumentError('openid', `is not an openid: ${JSON.stringify(openid)}`);
  }
  return openid;
}

function checkTagName(name: string): string {
  if (typeof name !== 'string' || !name || Buffer.byteLength(name) > TAG_NAME_MAX_BYTES) {
    throw new WeChatArgumentError('name', `must be 1 to ${TAG_NAME_MAX_BYTES} bytes`);
  }
  return name;
}

function checkTagId(tagId: number): number {
  if (!Number.isInteger(tagId) || tagId < 0)
    throw new WeChatArgumentError('tagId', 'must be a tag id');
  return tagId;
}

function checkList(name: string, list: unknown[], max: number): void {
  if (!Array.isArray(list) || list.length === 0 || list.length > max) {
    throw new WeChatArgumentError(name, `must hold 1 to ${max} entries`);
  }
}
