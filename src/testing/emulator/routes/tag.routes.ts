import { type EmulatorRouter } from '../emulator-router.js';
import { type EmulatorTags } from '../emulator-tags.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody, OK_BODY } from '../wechat-error-body.js';
import { isObject, jsonPost } from './json-post.js';
import { protectedRoute } from './protected-route.js';

/**
 * User tags (wechat-api.md section 6): `tags/create`, `tags/get`, `tags/delete` and
 * `tags/members/batchtagging` / `batchuntagging`. A body without its `tag` object answers 44002
 * ("empty post data"), as the docs of `tags/delete` give it; a tag id that is not a number 45159.
 */
export function registerTagRoutes(
  router: EmulatorRouter,
  authority: TokenAuthority,
  tags: EmulatorTags,
): void {
  router.route(
    '/cgi-bin/tags/create',
    protectedRoute(
      authority,
      jsonPost((body) => {
        if (!isObject(body.tag)) return errorBody(44002);
        const name = body.tag.name;
        const created = tags.create(typeof name === 'string' ? name : '');
        return created.ok ? { tag: created.value } : errorBody(created.errcode);
      }),
    ),
  );

  router.route(
    '/cgi-bin/tags/get',
    protectedRoute(authority, () => ({ tags: tags.list() })),
  );

  router.route(
    '/cgi-bin/tags/delete',
    protectedRoute(
      authority,
      jsonPost((body) => {
        if (!isObject(body.tag) || body.tag.id === undefined) return errorBody(44002);
        const id = body.tag.id;
        return answer(typeof id === 'number' ? tags.delete(id) : 45159);
      }),
    ),
  );

  for (const [path, add] of [
    ['/cgi-bin/tags/members/batchtagging', true],
    ['/cgi-bin/tags/members/batchuntagging', false],
  ] as const) {
    router.route(
      path,
      protectedRoute(
        authority,
        jsonPost((body) => {
          const openids = Array.isArray(body.openid_list) ? body.openid_list : [];
          const tagId = typeof body.tagid === 'number' ? body.tagid : NaN;
          return answer(tags.setMembers(openids, tagId, add));
        }),
      ),
    );
  }
}

function answer(errcode: number): object {
  return errcode === 0 ? OK_BODY : errorBody(errcode);
}
