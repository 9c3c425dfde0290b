import { type ApiQuotas } from '../api-quotas.js';
import { type EmulatorAccount } from '../emulator-account.js';
import { type EmulatorRouter } from '../emulator-router.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody, OK_BODY } from '../wechat-error-body.js';
import { jsonPost } from './json-post.js';
import { protectedRoute } from './protected-route.js';

const API_DOMAIN_IPS = ['101.89.47.18', '101.91.34.103', '109.244.129.223'];
const CALLBACK_IPS = ['106.55.206.146', '106.55.206.211', '175.24.211.24'];

/**
 * Account endpoints: `get_api_domain_ip`, `getcallbackip`, `clear_quota` and
 * `openapi/quota/get`. A cgi_path the emulator does not serve answers 76021, the code WeChat
 * gives for a path it does not know, also when the path is missing.
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

  router.route(
    '/cgi-bin/openapi/quota/get',
    protectedRoute(
      authority,
      jsonPost((body) => {
        const report = typeof body.cgi_path === 'string' ? quotas.report(body.cgi_path) : undefined;
        return report ? { ...OK_BODY, ...report } : errorBody(76021);
      }),
    ),
  );
}
