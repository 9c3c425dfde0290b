import { type ApiQuotas } from '../api-quotas.js';
import { type EmulatorAccount } from '../emulator-account.js';
import { type EmulatorRouter } from '../emulator-router.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody, OK_BODY } from '../wechat-error-body.js';
import { isObject, jsonPost } from './json-post.js';
import { protectedRoute } from './protected-route.js';

const API_DOMAIN_IPS = ['101.89.47.18', '101.91.34.103', '109.244.129.223'];
const CALLBACK_IPS = ['106.55.206.146', '106.55.206.211', '175.24.211.24'];

/**
 * Account endpoints: `get_api_domain_ip`, `getcallbackip`, `clear_quota`, `clear_quota/v2` and
 * `openapi/quota/get`.
 */
export function registerAccountRoutes(
  router: EmulatorRouter,
  authority: TokenAuthority,
  account: EmulatorAccount,
  quotas: ApiQuotas,
): void {
  router.route(
    '/cgi-bin/get_api_domain_ip',
    protectedRoute(authority, () => ({ ip_list: API_DOMAIN_IPS })),
  );
  router.route(
    '/cgi-bin/getcallbackip',
    protectedRoute(authority, () => ({ ip_list: CALLBACK_IPS })),
  );

  router.route(
    '/cgi-bin/clear_quota',
    protectedRoute(
      authority,
      jsonPost((body) => {
        if (typeof body.appid !== 'string' || body.appid === '') return errorBody(41002);
        if (body.appid !== account.appId) return errorBody(40013);
        return quotas.clear() ? OK_BODY : errorBody(48006);
      }),
    ),
  );

  // https://developers.weixin.qq.com/doc/service/api/apimanage/api_clearquotabyappsecret:
  // POST without access_token, appid and appsecret in the body (older pages put them in the
  // query: both are read); errors 41002, 40013, 41004, 48006, and "每个账号每月使用「重置 API 调用次数」
  // 与本接口共10次". A wrong secret answers 40125, WeChat's code for it at /cgi-bin/token (the page
  // lists none of its own).
  router.route('/cgi-bin/clear_quota/v2', (req) => {
    if (req.method !== 'POST') return errorBody(43002);
    const body = isObject(req.body) ? req.body : {};
    const appid = body.appid ?? req.query.get('appid');
    const secret = body.appsecret ?? req.query.get('appsecret');
    const refused = account.checkCredentials(appid, secret);
    if (refused) return errorBody(refused);
    return quotas.clear() ? OK_BODY : errorBody(48006);
  });

  // https://developers.weixin.qq.com/doc/service/api/apimanage/api_getapiquota: a cgi_path with
  // the host or without the leading "/" answers 76003 ("否则都会76003的报错"); paths under "/sns/"
  // 76022 ("这类接口不支持使用该接口"); a path it does not know 76021 ("cgi_path填错了"). A missing
  // cgi_path is the emulator's guess: 76003, as a path without its "/".
  router.route(
    '/cgi-bin/openapi/quota/get',
    protectedRoute(
      authority,
      jsonPost((body) => {
        const path = body.cgi_path;
        if (typeof path !== 'string' || !path.startsWith('/')) return errorBody(76003);
        if (path.split('/').includes('sns')) return errorBody(76022);
        const report = quotas.report(path);
        return report ? { ...OK_BODY, ...report } : errorBody(76021);
      }),
    ),
  );
}
