import { describe, expect, it } from '@jest/globals';
import { WeChatArgumentError } from '../api/wechat-api.error.js';
import { type WebScope } from './oauth.types.js';
import { WeChatAuth } from './wechat-auth.decorator.js';

describe('@WeChatAuth', () => {
  it('refuses an unknown scope as an argument error, when the class is declared', () => {
    const misuse = () => WeChatAuth({ scope: 'snsapi_login' as WebScope });
    expect(misuse).toThrow(WeChatArgumentError);
    expect(misuse).toThrow(/@WeChatAuth scope must be 'snsapi_base' or 'snsapi_userinfo'/);
  });

  it('refuses a guard that is not a WeChatAuthGuard as an argument error', () => {
    class OtherGuard {
      canActivate() {
        return true;
      }
    }
    const misuse = () => WeChatAuth({ guard: OtherGuard as never });
    expect(misuse).toThrow(WeChatArgumentError);
    expect(misuse).toThrow(/@WeChatAuth guard must be WeChatAuthGuard/);
  });
});
