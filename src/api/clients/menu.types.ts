/** Button types of a custom menu. */
export type MenuButtonType =
  | 'click'
  | 'view'
  | 'miniprogram'
  | 'scancode_push'
  | 'scancode_waitmsg'
  | 'pic_sysphoto'
  | 'pic_photo_or_album'
  | 'pic_weixin'
  | 'location_select'
  | 'media_id'
  | 'article_id'
  | 'article_view_limited';

/** A button that does something. */
export interface MenuLeafButton {
  type: MenuButtonType;
  name: string;
  /** click and the event types: at most 128 bytes. */
  key?: string;
  /** view (and miniprogram's fallback): at most 1024 bytes. */
  url?: string;
  appid?: string;
  pagepath?: string;
  media_id?: string;
  article_id?: string;
}

/** A top-level button that opens 1 to 5 sub buttons. */
export interface MenuParentButton {
  name: string;
  sub_button: MenuLeafButton[];
}

/** A custom-menu button: a leaf with an action, or a parent of up to 5 sub-buttons. */
export type MenuButton = MenuLeafButton | MenuParentButton;

/** A custom menu: 1 to 3 top-level buttons. */
export interface Menu {
  button: MenuButton[];
}

/** `/cgi-bin/get_current_selfmenu_info`: the menu in effect, however it was set. */
export interface CurrentSelfMenuInfo {
  is_menu_open: 0 | 1;
  selfmenu_info?: {
    button: (
      | (Omit<MenuLeafButton, 'type'> & { type: string })
      | { name: string; sub_button: { list: (Omit<MenuLeafButton, 'type'> & { type: string })[] } }
    )[];
  };
}
