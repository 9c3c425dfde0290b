import {
  WeChatApiError,
  WeChatConfigurationError,
  WeChatTransportError,
} from '../api/wechat-api.error.js';
import { type WeChatHttp } from '../api/wechat-http.js';
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

/** Fetches the global access_token from `/cgi-bin/token` or `/cgi-bin/stable_token`. */
export class AccessTokenFetcher {
  private readonly forceBudget: StableForceBudget;

  constructor(
    private readonly http: WeChatHttp,
    private readonly options: ResolvedWeChatOptions,
    store: CredentialStore,
  ) {
    this.forceBudget = new StableForceBudget(store, options.appId);
  }

  async fetch(force: boolean): Promise<FetchedCredential> {
    const { appId, appSecret, token } = this.options;
    const path = token.source === 'token' ? '/cgi-bin/token' : '/cgi-bin/stable_token';
    try {
      const reply =
        token.source === 'token'
          ? await this.http.request<TokenReply>({
              method: 'GET',
              path,
              query: { grant_type: 'client_credential', appid: appId, secret: appSecret },
              idempotent: true,
            })
          : await this.http.request<TokenReply>({
              method: 'POST',
              path,
              body: {
                grant_type: 'client_credential',
                appid: appId,
                secret: appSecret,
                force_refresh: force && (await this.forceBudget.take()),
              },
              idempotent: true,
            });
      return readToken(path, reply);
    } catch (error) {
      // On the token endpoints 40001 means the AppSecret is wrong, not that a token went stale.
      if (error instanceof WeChatApiError && error.errcode === 40001) {
        throw new WeChatConfigurationError({
          errcode: error.errcode,
          errmsg: error.rid ? `${error.errmsg} rid: ${error.rid}` : error.errmsg,
          path,
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
