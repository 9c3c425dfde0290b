import { resolveModuleOptions } from './resolve-options.js';
import { type WeChatModuleOptions } from './wechat-module-options.interface.js';
import { WeChatOptionsError } from './wechat-options.error.js';

const SHOP = { name: 'shop', appId: 'wx1111aaaa2222bbbb', appSecret: 'shop-secret' };
const BRAND = { name: 'brand', appId: 'wx3333cccc4444dddd', appSecret: 'brand-secret' };
const SESSION_SECRET = 'a-session-secret-of-at-least-32-bytes!!';

function refusal(options: unknown): WeChatOptionsError {
  try {
    resolveModuleOptions(options as WeChatModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(WeChatOptionsError);
    return error as WeChatOptionsError;
  }
  throw new Error('the options were accepted');
}

describe('resolveModuleOptions', () => {
  it('keeps the one-account form as it was: one account, named by its appId', () => {
    const resolved = resolveModuleOptions({ appId: SHOP.appId, appSecret: 'secret' });
    expect(resolved.form).toBe('single');
    expect(resolved.accounts).toHaveLength(1);
    expect(resolved.accounts[0]).toMatchObject({ name: SHOP.appId, appId: SHOP.appId });
  });

  it('lays each account over the module defaults, field by field', () => {
    const resolved = resolveModuleOptions({
      accounts: [{ ...SHOP, token: { source: 'stable_token' } }, BRAND],
      token: { refreshAheadSeconds: 120 },
      oauth: { sessionSecret: SESSION_SECRET, defaultScope: 'snsapi_userinfo' },
      push: { token: 'moduleToken' },
    });
    const [shop, brand] = resolved.accounts;
    expect(shop!.token).toMatchObject({ source: 'stable_token', refreshAheadSeconds: 120 });
    expect(brand!.token).toMatchObject({ source: 'token', refreshAheadSeconds: 120 });
    // Each account signs its users in under a cookie of its own.
    expect(shop!.oauth!.cookie.name).toBe('wechat_session_shop');
    expect(brand!.oauth!.cookie.name).toBe('wechat_session_brand');
    expect(brand!.oauth!.defaultScope).toBe('snsapi_userinfo');
    expect(brand!.push!.token).toBe('moduleToken');
    expect(resolved.callbackPath).toBe('/wechat/oauth/callback');
    expect(resolved.pushPath).toBe('/wechat/push');
  });

  it('turns web authorization and push on only for the accounts that set them', () => {
    const resolved = resolveModuleOptions({
      accounts: [{ ...SHOP, push: { token: 'shopToken' } }, BRAND],
    });
    expect(resolved.accounts[0]!.push?.token).toBe('shopToken');
    expect(resolved.accounts[1]!.push).toBeUndefined();
    expect(resolved.accounts[1]!.oauth).toBeUndefined();
  });

  it('names a bad account option from the top of the options', () => {
    expect(refusal({ accounts: [SHOP, { ...BRAND, push: { token: 'x' } }] }).option).toBe(
      'accounts[1].push.token',
    );
    expect(refusal({ accounts: [SHOP, { ...BRAND, appSecret: '' }] }).option).toBe(
      'accounts[1].appSecret',
    );
    expect(refusal({ accounts: [{ ...SHOP, appSecert: 'typo' }] }).option).toBe(
      'accounts[0].appSecert',
    );
    expect(refusal({ accounts: [{ ...SHOP, name: 'no spaces' }] }).option).toBe('accounts[0].name');
  });

  it('refuses what cannot work with several accounts', () => {
    expect(refusal({ appId: SHOP.appId, appSecret: 'x', accounts: [BRAND] }).option).toBe('appId');
    expect(refusal({ accounts: [] }).option).toBe('accounts');
    expect(refusal({ accounts: [SHOP, { ...BRAND, name: 'shop' }] }).option).toBe('accounts[1]');
    expect(refusal({ accounts: [SHOP, { ...BRAND, appId: SHOP.appId }] }).option).toBe(
      'accounts[1]',
    );
    expect(refusal({ accountSource: { lookup: () => undefined } }).option).toBe('accountSource');
    expect(
      refusal({
        accounts: [{ ...SHOP, oauth: { callbackPath: '/elsewhere' } }],
        oauth: { sessionSecret: SESSION_SECRET },
      }).option,
    ).toBe('accounts[0].oauth.callbackPath');
    expect(refusal({ accounts: [{ ...SHOP, push: { token: 'tok', path: '/p' } }] }).option).toBe(
      'accounts[0].push.path',
    );
  });

  it('never prints an appSecret in its errors', () => {
    const error = refusal({ accounts: [{ ...SHOP, appSecret: 'TOP-SECRET', name: 'bad name' }] });
    expect(error.message).not.toContain('TOP-SECRET');
  });

  it('takes a module with only an account source', () => {
    const resolved = resolveModuleOptions({ accountSource: { find: async () => undefined } });
    expect(resolved.form).toBe('accounts');
    expect(resolved.accounts).toEqual([]);
  });
});
