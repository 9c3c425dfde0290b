import { type EmulatorRouter } from '../emulator-router.js';
import { type TokenAuthority } from '../token-authority.js';
import { protectedRoute } from './protected-route.js';

const API_DOMAIN_IPS = ['101.89.47.18', '101.91.34.103', '109.244.129.223'];
const CALLBACK_IPS = ['106.55.206.146', '106.55.206.211', '175.24.211.24'];

/** Account endpoints: `get_api_domain_ip`, `getcallbackip`. */
export function registerAccountRoutes(router: EmulatorRouter, authority: TokenAuthority): void {
  router.route(
    '/cgi-bin/get_api_domain_ip',
    protectedRoute(authority, () => ({ ip_list: API_DOMAIN_IPS })),
  );
  router.route(
    '/cgi-bin/getcallbackip',
    protectedRoute(authority, () => ({ ip_list: CALLBACK_IPS })),
  );
}
