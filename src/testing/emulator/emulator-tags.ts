import { type EmulatorUser, type EmulatorUsers } from './emulator-users.js';
import { type Outcome } from './web-authorization.js';

/** A user tag of the account, as `tags/get` lists it. */
export interface EmulatorTag {
  id: number;
  name: string;
  count: number;
}

const FIRST_TAG_ID = 100;
const MAX_TAGS = 100;
const MAX_NAME_BYTES = 30;
const MAX_TAGS_PER_USER = 20;
const MAX_OPENIDS_PER_CALL = 50;
const MAX_FANS_TO_DELETE = 100_000;
// Ids 0-2 belong to WeChat; every account has 2, the star group, and cannot change it.
const SYSTEM_TAG_IDS = new Set([0, 1, 2]);
const STAR_GROUP = { id: 2, name: '星标组' };

/**
 * The account's user tags (wechat-api.md section 6), with the limits of WeChat's tag API:
 * 100 tags of at most 30 bytes, ids from 100, at most 20 tags a user, 50 openids a call.
 *
 * Choices where WeChat is not documented: tagging is all or nothing (one unknown openid, 40003,
 * tags nobody); tagging a user again, or untagging a user without the tag, is accepted and
 * changes nothing; a name that differs only in case is a different name.
 */
export class EmulatorTags {
  private readonly tags = new Map<number, string>([[STAR_GROUP.id, STAR_GROUP.name]]);
  private nextId = FIRST_TAG_ID;

  constructor(private readonly users: EmulatorUsers) {}

  create(name: string): Outcome<{ id: number; name: string }> {
    const refused = this.nameRefusal(name);
    if (refused) return { ok: false, errcode: refused };
    if (this.tags.size - 1 >= MAX_TAGS) return { ok: false, errcode: 45056 };
    const id = this.nextId++;
    this.tags.set(id, name);
    return { ok: true, value: { id, name } };
  }

  /**
   * `tags/update`: renames a tag; 0, or 45058 for WeChat's own tags, 45159 for an unknown id,
   * 45157/45158 for a name `create` would refuse (its own current name is allowed).
   */
  rename(id: number, name: string): number {
    if (SYSTEM_TAG_IDS.has(id)) return 45058;
    if (!this.tags.has(id)) return 45159;
    if (this.tags.get(id) === name) return 0;
    const refused = this.nameRefusal(name);
    if (refused) return refused;
    this.tags.set(id, name);
    return 0;
  }

  has(id: number): boolean {
    return this.tags.has(id);
  }

  /** Every tag with the number of users carrying it. */
  list(): EmulatorTag[] {
    const counts = new Map<number, number>();
    for (const user of this.users.all()) {
      for (const id of user.tagIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return [...this.tags].map(([id, name]) => ({ id, name, count: counts.get(id) ?? 0 }));
  }

  /** Deletes a tag and takes it off its users: 0, or the errcode WeChat answers. */
  delete(id: number): number {
    if (SYSTEM_TAG_IDS.has(id)) return 45058;
    if (!this.tags.has(id)) return 45159;
    const carriers = this.users.all().filter((user) => user.tagIds.includes(id));
    if (carriers.length > MAX_FANS_TO_DELETE) return 45057;
    for (const user of carriers) user.tagIds = user.tagIds.filter((tagId) => tagId !== id);
    this.tags.delete(id);
    return 0;
  }

  private nameRefusal(name: string): number {
    if (name.trim() === '') return 45157;
    if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return 45158;
    return [...this.tags.values()].includes(name) ? 45157 : 0;
  }

  /** `batchtagging` (add) or `batchuntagging` (remove): 0, or the errcode WeChat answers. */
  setMembers(openids: unknown[], tagId: number, add: boolean): number {
    if (openids.length === 0 || openids.length > MAX_OPENIDS_PER_CALL) return 40032;
    if (!this.tags.has(tagId)) return 45159;
    const users = openids
      .map((openid) => this.users.get(typeof openid === 'string' ? openid : ''))
      .filter((user): user is EmulatorUser => user !== undefined);
    if (users.length !== openids.length) return 40003;
    const distinct = [...new Set(users)];
    const gaining = distinct.filter((user) => add && !user.tagIds.includes(tagId));
    if (gaining.some((user) => user.tagIds.length >= MAX_TAGS_PER_USER)) return 45059;
    for (const user of gaining) user.tagIds = [...user.tagIds, tagId];
    if (!add) for (const user of distinct) user.tagIds = user.tagIds.filter((id) => id !== tagId);
    return 0;
  }
}
