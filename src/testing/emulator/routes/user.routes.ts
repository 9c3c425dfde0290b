import { type EmulatorRouter } from '../emulator-router.js';
import { type EmulatorUser, type EmulatorUsers } from '../emulator-users.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody, OK_BODY } from '../wechat-error-body.js';
import { isObject, jsonPost, type JsonObject } from './json-post.js';
import { protectedRoute } from './protected-route.js';

const PAGE_SIZE = 10_000;
const MAX_BATCH = 100;
// The docs say "less than 30 bytes"; read as at most 30, like the 30-byte limit of tag names.
const MAX_REMARK_BYTES = 30;

/**
 * User management (wechat-api.md section 6): `user/info`, `user/info/batchget`, `user/get` and
 * `user/info/updateremark`.
 *
 * Choices where WeChat is not documented: `lang` is accepted and ignored (it only chose the
 * language of place names and of `language`, which WeChat no longer returns); a batch with no entries or more than
 * 100 answers 47003; a remark longer than 30 bytes answers 40092 and a remark for a user who
 * does not follow 43004, as the SDKs that checked the docs page by page list them.
 */
export function registerUserRoutes(
  router: EmulatorRouter,
  authority: TokenAuthority,
  users: EmulatorUsers,
): void {
  router.route(
    '/cgi-bin/user/info',
    protectedRoute(authority, (req) => {
      const user = users.get(req.query.get('openid'));
      return user ? userInfo(user) : errorBody(40003);
    }),
  );

  router.route(
    '/cgi-bin/user/info/batchget',
    protectedRoute(
      authority,
      jsonPost((body) => {
        const list = body.user_list;
        if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH) {
          return errorBody(47003, 'argument invalid! user_list size must be 1-100');
        }
        const found = list
          .map((entry) => users.get(isObject(entry) ? openidOf(entry) : ''))
          .filter((user) => user !== undefined);
        if (found.length !== list.length) return errorBody(40003);
        return { user_info_list: found.map(userInfo) };
      }),
    ),
  );

  // Followers in the order they were added; next_openid may name anyone the account knows.
  router.route(
    '/cgi-bin/user/get',
    protectedRoute(authority, (req) => {
      const after = req.query.get('next_openid') ?? '';
      const everyone = users.all();
      const start = after ? everyone.findIndex((user) => user.openid === after) + 1 : 0;
      if (after && start === 0) return errorBody(40003);
      const rest = everyone.slice(start).filter((user) => user.subscribed);
      const total = users.followers().length;
      const page = rest.slice(0, PAGE_SIZE);
      // Past the end WeChat answers count 0 and leaves data out.
      if (page.length === 0) return { total, count: 0, next_openid: '' };
      return {
        total,
        count: page.length,
        data: { openid: page.map((user) => user.openid) },
        next_openid: rest.length > PAGE_SIZE ? page[page.length - 1].openid : '',
      };
    }),
  );

  router.route(
    '/cgi-bin/user/info/updateremark',
    protectedRoute(
      authority,
      jsonPost((body) => {
        const user = users.get(openidOf(body));
        if (!user) return errorBody(40003);
        const remark = body.remark ?? '';
        if (typeof remark !== 'string' || Buffer.byteLength(remark, 'utf8') > MAX_REMARK_BYTES) {
          return errorBody(40092);
        }
        if (!user.subscribed) return errorBody(43004);
        user.remark = remark;
        return OK_BODY;
      }),
    ),
  );
}

/**
 * `user/info` of one user, as https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_userinfo
 * gives it: no `language` ("【注意：该字段不再提供】"); `unionid` "只有在用户将公众号绑定到微信开放平台账号后,
 * 才会出现" whether or not the user follows, so a non-follower gets subscribe 0, openid and unionid.
 */
function userInfo(user: EmulatorUser): object {
  const unionid = user.unionid ? { unionid: user.unionid } : {};
  if (!user.subscribed) return { subscribe: 0, openid: user.openid, ...unionid };
  return {
    subscribe: 1,
    openid: user.openid,
    subscribe_time: user.subscribeTime,
    ...unionid,
    remark: user.remark,
    groupid: 0,
    tagid_list: [...user.tagIds],
    subscribe_scene: user.subscribeScene,
    qr_scene: user.qrScene,
    qr_scene_str: user.qrSceneStr,
  };
}

function openidOf(entry: JsonObject): string {
  return typeof entry.openid === 'string' ? entry.openid : '';
}
