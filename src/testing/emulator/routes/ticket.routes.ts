import { randomBytes } from 'node:crypto';
import { type EmulatorRouter } from '../emulator-router.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody, OK_BODY } from '../wechat-error-body.js';
import { protectedRoute } from './protected-route.js';

/**
 * `/cgi-bin/ticket/getticket` (wechat-api.md section 5). Each call issues a new ticket; the
 * emulator does not check tickets (signatures are checked by the browser-side JS-SDK, not here).
 */
export function registerTicketRoutes(
  router: EmulatorRouter,
  authority: TokenAuthority,
  ticketTtlSeconds: number,
): void {
  router.route(
    '/cgi-bin/ticket/getticket',
    protectedRoute(authority, (req) => {
      const type = req.query.get('type');
      if (type !== 'jsapi' && type !== 'wx_card') return errorBody(40097, 'invalid args');
      const ticket = randomBytes(64).toString('base64url');
      return { ...OK_BODY, ticket, expires_in: ticketTtlSeconds };
    }),
  );
}
