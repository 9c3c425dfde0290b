/** `/cgi-bin/user/info` of a follower (WeChat no longer returns nickname, avatar or language). */
export interface FollowerInfo {
  subscribe: 1;
  openid: string;
  /** No longer returned by WeChat ("该字段不再提供"); kept for old answers. */
  language?: string;
  subscribe_time: number;
  unionid?: string;
  remark: string;
  groupid: number;
  tagid_list: number[];
  subscribe_scene: string;
  qr_scene: number;
  qr_scene_str: string;
}

/** `/cgi-bin/user/info` of a user who does not (or no longer) follow the account. */
export interface NonFollowerInfo {
  subscribe: 0;
  openid: string;
  /** Present when the account is bound to an Open Platform account, follower or not. */
  unionid?: string;
}

/** `user/info`: a follower's profile, or the few fields WeChat gives for a non-follower. */
export type UserInfo = FollowerInfo | NonFollowerInfo;

/** The language of country, province and city names in user info. */
export type UserLanguage = 'zh_CN' | 'zh_TW' | 'en';

/** One page of the follower list (`/cgi-bin/user/get`). */
export interface FollowerPage {
  /** Followers in all. */
  total: number;
  openids: string[];
  /** Where the next page starts; empty on the last page. */
  nextOpenid: string;
}

/** A user tag of the account (`tags/get`). */
export interface UserTag {
  id: number;
  name: string;
  /** Users carrying the tag. */
  count: number;
}

/** One page of a tag's users (`/cgi-bin/user/tag/get`). */
export interface TagUserPage {
  openids: string[];
  /** Where the next page starts; empty once the list is done. */
  nextOpenid: string;
}
