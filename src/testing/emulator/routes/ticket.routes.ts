import { randomBytes } from 'node:crypto';
import { type EmulatorClock } from '../emulator-clock.js';
import { type EmulatorRouter } from '../emulator-router.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody, OK_BODY } from '../wechat-error-body.js';
import { protectedRoute } from './protected-route.js';

/**
 * `/cgi-bin/ticket/getticket` (wechat-api.md section 5). The account has one ticket of each type
 * at a time, answered again on every call while it lives ("jsapi_ticket的有效期为7200秒... 开发者必须在
 * 自己的服务全局缓存", https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html); a
 * new one is minted only after it expired. As users report of the real endpoint, `expires_in`
 * says 7200 (the full lifetime) on every call, not the time left. Tickets are not checked here:
 * signatures are checked by the browser-side JS-SDK.
 */
export function registerTicketRoutes(
  router: EmulatorRouter,
  authority: TokenAuthority,
  clock: EmulatorClock,
  ticketTtlSeconds: number,
): void {
  const current = new Map<string, { ticket: string; expiresAt: number }>();
  router.route(
    '/cgi-bin/ticket/getticket',
    protectedRoute(authority, (req) => {
      const type = req.query.get('type');
      if (type !== 'jsapi' && type !== 'wx_card') return errorBody(40097, 'invalid args');
      let live = current.get(type);
      if (!live || clock.now() >= live.expiresAt) {
        live = {
          ticket: randomBytes(64).toString('base64url'),
          expiresAt: clock.now() + ticketTtlSeconds * 1000,
        };
        current.set(type, live);
      }
      return { ...OK_BODY, ticket: live.ticket, expires_in: ticketTtlSeconds };
    }),
  );
}
