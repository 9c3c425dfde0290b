import { type EmulatorMenu, type EmulatorMenuButton } from '../emulator-menu.js';
import { type EmulatorRouter } from '../emulator-router.js';
import { checkMenu } from '../menu-rules.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody, OK_BODY } from '../wechat-error-body.js';
import { jsonPost } from './json-post.js';
import { protectedRoute } from './protected-route.js';

/**
 * The custom menu (wechat-api.md section 6): `menu/create`, `menu/get`, `menu/delete` and
 * `get_current_selfmenu_info`, each in the shape WeChat answers it.
 */
export function registerMenuRoutes(
  router: EmulatorRouter,
  authority: TokenAuthority,
  menu: EmulatorMenu,
): void {
  router.route(
    '/cgi-bin/menu/create',
    protectedRoute(
      authority,
      jsonPost((body) => {
        const checked = checkMenu(body);
        if (!checked.ok) return errorBody(checked.errcode, checked.errmsg);
        menu.set(checked.buttons);
        return OK_BODY;
      }),
    ),
  );

  // menu/get gives every button a sub_button list, empty for leaves, as WeChat does.
  router.route(
    '/cgi-bin/menu/get',
    protectedRoute(authority, () => {
      const buttons = menu.get();
      if (!buttons) return errorBody(46003);
      const withLists = (button: EmulatorMenuButton): EmulatorMenuButton => ({
        ...button,
        sub_button: (button.sub_button ?? []).map(withLists),
      });
      return { menu: { button: buttons.map(withLists) } };
    }),
  );

  router.route(
    '/cgi-bin/menu/delete',
    protectedRoute(authority, () => {
      menu.delete();
      return OK_BODY;
    }),
  );

  // This endpoint wraps sub buttons in { list: [...] }.
  router.route(
    '/cgi-bin/get_current_selfmenu_info',
    protectedRoute(authority, () => {
      const buttons = menu.get() ?? [];
      return {
        is_menu_open: buttons.length > 0 ? 1 : 0,
        selfmenu_info: {
          button: buttons.map((button) =>
            button.sub_button
              ? { name: button.name, sub_button: { list: button.sub_button } }
              : button,
          ),
        },
      };
    }),
  );
}
