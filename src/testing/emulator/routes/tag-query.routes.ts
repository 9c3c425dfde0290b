import { type EmulatorRouter } from '../emulator-router.js';
import { type EmulatorTags } from '../emulator-tags.js';
import { type EmulatorUsers } from '../emulator-users.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody, OK_BODY } from '../wechat-error-body.js';
import { isObject, jsonPost } from './json-post.js';
import { protectedRoute } from './protected-route.js';

// The docs give no page size for user/tag/get; user/get's 10,000 is the emulator's guess.
const PAGE_SIZE = 10_000;

/**
 * Tag edits and lookups of https://developers.weixin.qq.com/doc/service/api/usermanage/tag/:
 * `tags/update` (api_updatetag: 45157 invalid or duplicate name, 45158 over 30 bytes, 45058 the
 * reserved tags 0/1/2), `tags/getidlist` ({ openid } → { tagid_list }, 40003 invalid openid)
 * and `user/tag/get` ({ tagid, next_openid } → { count, data: { openid }, next_openid }, a page
 * of the tag's users from after `next_openid`). Guesses: an unknown tag id answers 45159 (the
 * code of the tag API for it), an unknown next_openid 40003, and past the end
 * `{ count: 0, next_openid: '' }` as user/get does.
 */
export function registerTagQueryRoutes(
  router: EmulatorRouter,
  authority: TokenAuthority,
  tags: EmulatorTags,
  users: EmulatorUsers,
): void {
  router.route(
    '/cgi-bin/tags/update',
    protectedRoute(
      authority,
      jsonPost((body) => {
        if (!isObject(body.tag) || body.tag.id === undefined) return errorBody(44002);
        const { id, name } = body.tag;
        if (typeof id !== 'number') return errorBody(45159);
        const errcode = tags.rename(id, typeof name === 'string' ? name : '');
        return errcode === 0 ? OK_BODY : errorBody(errcode);
      }),
    ),
  );

  router.route(
    '/cgi-bin/tags/getidlist',
    protectedRoute(
      authority,
      jsonPost((body) => {
        const user = users.get(typeof body.openid === 'string' ? body.openid : '');
        return user ? { tagid_list: [...user.tagIds] } : errorBody(40003);
      }),
    ),
  );

  router.route(
    '/cgi-bin/user/tag/get',
    protectedRoute(
      authority,
      jsonPost((body) => {
        const tagId = body.tagid;
        if (typeof tagId !== 'number' || !tags.has(tagId)) return errorBody(45159);
        const after = typeof body.next_openid === 'string' ? body.next_openid : '';
        const everyone = users.all();
        const start = after ? everyone.findIndex((user) => user.openid === after) + 1 : 0;
        if (after && start === 0) return errorBody(40003);
        const carriers = everyone.slice(start).filter((user) => user.tagIds.includes(tagId));
        const page = carriers.slice(0, PAGE_SIZE);
        if (page.length === 0) return { count: 0, next_openid: '' };
        return {
          count: page.length,
          data: { openid: page.map((user) => user.openid) },
          next_openid: page[page.length - 1].openid,
        };
      }),
    ),
  );
}
