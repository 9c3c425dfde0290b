import { type EmulatorAccount, plainIp } from '../emulator-account.js';
import { type EmulatorRequest, type EmulatorRouter } from '../emulator-router.js';
import { type IssueResult, type TokenAuthority } from '../token-authority.js';
import { errorBody } from '../wechat-error-body.js';

/** `/cgi-bin/token` and `/cgi-bin/stable_token` (wechat-api.md sections 1 and 2). */
export function registerTokenRoutes(
  router: EmulatorRouter,
  account: EmulatorAccount,
  authority: TokenAuthority,
): void {
  router.route('/cgi-bin/token', (req) => {
    const q = req.query;
    if (q.get('grant_type') !== 'client_credential') return errorBody(40002);
    const refused = refusal(account, q.get('appid'), q.get('secret'), req);
    return refused ?? reply(authority.issueToken());
  });

  router.route('/cgi-bin/stable_token', (req) => {
    if (req.method !== 'POST') return errorBody(43002);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credential') return errorBody(40002);
    const refused = refusal(account, body.appid, body.secret, req);
    return refused ?? reply(authority.issueStable(body.force_refresh === true));
  });
}

function refusal(account: EmulatorAccount, appid: unknown, secret: unknown, req: EmulatorRequest) {
  const errcode = account.checkCredentials(appid, secret, req.remoteAddress);
  if (errcode === 0) return undefined;
  if (errcode === 40164) {
    const ip = plainIp(req.remoteAddress);
    return errorBody(40164, `invalid ip ${ip} ipv6 ::ffff:${ip}, not in whitelist`);
  }
  return errorBody(errcode);
}

function reply(result: IssueResult): object {
  return 'errcode' in result ? errorBody(result.errcode) : result;
}
