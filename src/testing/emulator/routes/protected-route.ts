import { type EmulatorReply, type EmulatorRequest } from '../emulator-router.js';
import { type TokenAuthority } from '../token-authority.js';
import { errorBody } from '../wechat-error-body.js';

type Handler<R> = (req: R) => EmulatorReply | Promise<EmulatorReply>;

/**
 * Wraps a handler of an `?access_token=` endpoint: token errors exactly as WeChat (section 3).
 * Works for streaming routes too, whose body stays unread when the token is refused.
 */
export function protectedRoute<R extends { query: URLSearchParams } = EmulatorRequest>(
  authority: TokenAuthority,
  handler: Handler<R>,
): Handler<R> {
  return (req) => {
    const check = authority.check(req.query.get('access_token'));
    return check.ok ? handler(req) : errorBody(check.errcode);
  };
}
