import { type Type } from '@nestjs/common';
import { type WebScope } from '../options/wechat-module-options.interface.js';
import { type WeChatAuthGuard } from './wechat-auth.guard.js';

export type { WebScope };

/** The answer of the code exchange (`/sns/oauth2/access_token`): the user's web token. */
export interface WebAccessToken {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  openid: string;
  scope: WebScope;
  /** Only with snsapi_userinfo and an account bound to the Open Platform. */
  unionid?: string;
  /** A snapshot-page virtual user: its data is virtual, the real user must tap through. */
  isSnapshotUser: boolean;
}

/** A user's public profile (`/sns/userinfo`). */
export interface WeChatUserInfo {
  openid: string;
  nickname: string;
  /** 0 unknown, 1 male, 2 female. */
  sex: number;
  province: string;
  city: string;
  country: string;
  headimgurl: string;
  privilege: string[];
  unionid?: string;
}

/** The signed-in user that `@WeChatUser()` gives a handler. */
export interface WeChatAuthUser {
  openid: string;
  unionid?: string;
  scope: WebScope;
  /** With snsapi_userinfo: the profile fetched at sign-in. */
  userInfo?: Pick<
    WeChatUserInfo,
    'nickname' | 'sex' | 'province' | 'city' | 'country' | 'headimgurl'
  >;
}

/** Options of `@WeChatAuth()`. */
export interface WeChatAuthOptions {
  /** The scope the route needs; default the module's `oauth.defaultScope`. */
  scope?: WebScope;
  /**
   * The account users sign in to: its name or appId, or a function choosing one from the request
   * (a merchant's appId in the path, say). Default: the module's default account.
   */
  // `never`: a function of the platform's own request type (Express, Fastify) fits.
  account?: string | ((request: never) => string);
  /** A subclass of `WeChatAuthGuard` to apply instead of it (to shape the 401 or the redirect). */
  guard?: Type<WeChatAuthGuard>;
}

/** The wider scope satisfies the narrower. */
export function scopeSatisfies(held: WebScope, needed: WebScope): boolean {
  return held === 'snsapi_userinfo' || needed === 'snsapi_base';
}

export function isWebScope(value: unknown): value is WebScope {
  return value === 'snsapi_base' || value === 'snsapi_userinfo';
}
