import { type EmulatorReply, type EmulatorRequest, type RouteHandler } from '../emulator-router.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody } from '../wechat-error-body.js';

/** Wraps a handler of an `?access_token=` endpoint: token errors exactly as WeChat (section 3). */
export function protectedRoute(
  authority: TokenAuthority,
  handler: (req: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply>,
): RouteHandler {
  return (req) => {
    const check = authority.check(req.query.get('access_token'));
    return check.ok ? handler(req) : errorBody(check.errcode);
  };
}
