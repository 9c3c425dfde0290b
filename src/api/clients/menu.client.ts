import { ERRCODE } from '../errcodes.js';
import { WeChatApiError } from '../wechat-api.error.js';
import { WeChatApiClient } from '../wechat-api.client.js';
import { validateMenu } from './menu-validation.js';
import { type CurrentSelfMenuInfo, type Menu } from './menu.types.js';

/** The account's custom menu. */
export class MenuClient {
  constructor(private readonly api: WeChatApiClient) {}

  /** Creates (replaces) the menu; it is checked locally first, with a message naming the button. */
  async create(menu: Menu): Promise<void> {
    validateMenu(menu);
    await this.api.post('/cgi-bin/menu/create', menu);
  }

  /** The menu created through the API (as it was created), or undefined when there is none. */
  async get(): Promise<Menu | undefined> {
    try {
      return withoutEmptySubMenus((await this.api.get<{ menu: Menu }>('/cgi-bin/menu/get')).menu);
    } catch (error) {
      if (error instanceof WeChatApiError && error.errcode === ERRCODE.NO_MENU) return undefined;
      throw error;
    }
  }

  /** Deletes the menu. */
  async delete(): Promise<void> {
    await this.api.get('/cgi-bin/menu/delete');
  }

  /** The menu in effect, whether set through the API or the admin console. */
  async getCurrentSelfMenuInfo(): Promise<CurrentSelfMenuInfo> {
    return this.api.get<CurrentSelfMenuInfo>('/cgi-bin/get_current_selfmenu_info');
  }
}

// WeChat answers every leaf with `sub_button: []`: dropped, so a leaf reads back as it was created.
function withoutEmptySubMenus(menu: Menu): Menu {
  return {
    button: menu.button.map((button) => {
      if (!('sub_button' in button)) return button;
      if (button.sub_button.length > 0) {
        return { ...button, sub_button: button.sub_button.map((sub) => withoutEmptySub(sub)) };
      }
      return withoutEmptySub(button);
    }),
  };
}

function withoutEmptySub<T extends object>(button: T): T {
  const { sub_button: _empty, ...leaf } = button as T & { sub_button?: unknown };
  return leaf as T;
}
