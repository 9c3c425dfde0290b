import { type EmulatorAccount } from '../emulator-account.js';
import { type EmulatorRouter, textJsonReply } from '../emulator-router.js';
import { type EmulatorUsers } from '../emulator-users.js';
import { type WebAuthorization } from '../web-authorization.js';
import { errorBody, OK_BODY } from '../wechat-error-body.js';

const EXTRA_ERRMSG: Record<number, string> = {
  40003: 'invalid openid',
  40029: 'invalid code',
  40030: 'invalid refresh_token',
  40163: 'code been used',
  41008: 'missing code',
  41003: 'refresh_token missing',
  42002: 'refresh_token expired',
  48001: 'api unauthorized',
};

const snsError = (errcode: number) => textJsonReply(errorBody(errcode, EXTRA_ERRMSG[errcode]));

/**
 * The `/sns/*` endpoints of web authorization (wechat-api.md section 4).
 *
 * The IP allow-list is not applied to the code exchange: the docs ask for it on "获取
 * access_token" (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html),
 * and web authorization's page lists no 40164.
 */
export function registerSnsRoutes(
  router: EmulatorRouter,
  account: EmulatorAccount,
  users: EmulatorUsers,
  web: WebAuthorization,
): void {
  // Answered as text/plain, as users report of the real endpoint.
  router.route('/sns/oauth2/access_token', (req) => {
    const q = req.query;
    const refused = account.checkCredentials(q.get('appid'), q.get('secret'));
    if (refused) return snsError(refused);
    if (q.get('grant_type') !== 'authorization_code') return snsError(40002);
    const code = q.get('code');
    if (!code) return snsError(41008);
    const outcome = web.exchange(code);
    if (!outcome.ok) return snsError(outcome.errcode);
    const { accessToken, expiresIn, refreshToken, openid, scope } = outcome.value;
    const user = users.get(openid)!;
    return textJsonReply({
      access_token: accessToken,
      expires_in: expiresIn,
      refresh_token: refreshToken,
      openid,
      scope,
      ...(user.snapshotUser ? { is_snapshotuser: 1 } : {}),
      ...(scope === 'snsapi_userinfo' && user.unionid ? { unionid: user.unionid } : {}),
    });
  });

  router.route('/sns/oauth2/refresh_token', (req) => {
    const q = req.query;
    if (q.get('appid') !== account.appId) return snsError(40013);
    if (q.get('grant_type') !== 'refresh_token') return snsError(40002);
    const refreshToken = q.get('refresh_token');
    if (!refreshToken) return snsError(41003);
    const outcome = web.refresh(refreshToken);
    if (!outcome.ok) return snsError(outcome.errcode);
    const { accessToken, expiresIn, openid, scope } = outcome.value;
    return textJsonReply({
      access_token: accessToken,
      expires_in: expiresIn,
      refresh_token: refreshToken,
      openid,
      scope,
    });
  });

  // A snapshot-page user is a virtual account: its token cannot read a profile (48001, as the
  // community reports; the announcement says its data are "虚拟账号数据"). Since 2021-10-20 WeChat
  // answers sex 0 and empty place names for everyone (the 用户信息接口调整 announcement:
  // https://developers.weixin.qq.com/community/develop/doc/00028edbe3c58081e7cc834705b801).
  router.route('/sns/userinfo', (req) => {
    const openid = req.query.get('openid');
    const checked = web.checkToken(req.query.get('access_token'), openid);
    if (!checked.ok) return snsError(checked.errcode);
    if (checked.value.scope !== 'snsapi_userinfo') return snsError(48001);
    const user = users.get(openid)!;
    if (user.snapshotUser) return snsError(48001);
    return {
      openid: user.openid,
      nickname: user.nickname,
      sex: 0,
      province: '',
      city: '',
      country: '',
      headimgurl: user.headimgurl,
      privilege: [],
      ...(user.unionid ? { unionid: user.unionid } : {}),
    };
  });

  router.route('/sns/auth', (req) => {
    const checked = web.checkToken(req.query.get('access_token'), req.query.get('openid'));
    return checked.ok ? OK_BODY : snsError(checked.errcode);
  });
}
