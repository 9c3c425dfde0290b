import { ERRCODE } from '../api/errcodes.js';
import {
  WeChatApiError,
  WeChatConfigurationError,
  WeChatTransportError,
} from '../api/wechat-api.error.js';
import { type AccountHttp, type WeChatRequest } from '../api/wechat-http.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { type CredentialStore } from '../store/credential-store.interface.js';
import { type FetchedCredential } from './shared-credential.js';
import { StableForceBudget } from './stable-force-budget.js';

interface TokenReply {
  access_token?: unknown;
  expires_in?: unknown;
}

const WRONG_SECRET =
  'the AppSecret is wrong: set option appSecret to the current AppSecret (was it reset?)';

/**
 * Fetches the global access_token from the endpoint option `token.source` names: a GET of
 * `/cgi-bin/token`, or a POST to `/cgi-bin/stable_token` (which can force a new token).
 */
export class AccessTokenFetcher {
  /** The endpoint in use, `/cgi-bin/token` or `/cgi-bin/stable_token`. */
  readonly path: string;
  private readonly request: (force: boolean) => Promise<WeChatRequest>;
  private readonly forceBudget: StableForceBudget;

  constructor(
    private readonly http: AccountHttp,
    options: ResolvedWeChatOptions,
    store: CredentialStore,
  ) {
    this.forceBudget = new StableForceBudget(store, options.appId, options.clock);
    const credentials = {
      grant_type: 'client_credential',
      appid: options.appId,
      secret: options.appSecret,
    };
    // The one place that tells the two sources apart.
    if (options.token.source === 'stable_token') {
      this.path = '/cgi-bin/stable_token';
      this.request = async (force) => ({
        method: 'POST',
        path: this.path,
        body: { ...credentials, force_refresh: force && (await this.forceBudget.take()) },
        idempotent: true,
      });
    } else {
      this.path = '/cgi-bin/token';
      this.request = async () => ({
        method: 'GET',
        path: this.path,
        query: credentials,
        idempotent: true,
      });
    }
  }

  async fetch(force: boolean): Promise<FetchedCredential> {
    try {
      return readToken(this.path, await this.http.request<TokenReply>(await this.request(force)));
    } catch (error) {
      // On the token endpoints 40001 means the AppSecret is wrong, not that a token went stale.
      if (error instanceof WeChatApiError && error.errcode === ERRCODE.INVALID_CREDENTIAL) {
        throw new WeChatConfigurationError({
          errcode: error.errcode,
          errmsg: error.rid ? `${error.errmsg} rid: ${error.rid}` : error.errmsg,
          path: this.path,
          explanation: WRONG_SECRET,
        });
      }
      throw error;
    }
  }
}

function readToken(path: string, reply: TokenReply): FetchedCredential {
  const { access_token: value, expires_in: expiresIn } = reply;
  if (
    typeof value !== 'string' ||
    value === '' ||
    typeof expiresIn !== 'number' ||
    expiresIn <= 0
  ) {
    throw new WeChatTransportError(path, 'the answer has no access_token and expires_in');
  }
  return { value, expiresInSeconds: expiresIn };
}
