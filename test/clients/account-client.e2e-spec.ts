import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AccountClient, TokenService, WeChatQuotaError } from '../../src/index.js';
import { startClientApp } from './client-app.js';

describe('AccountClient', () => {
  let app: Awaited<ReturnType<typeof startClientApp>>;
  let account: AccountClient;

  beforeEach(async () => {
    app = await startClientApp();
    account = app.moduleRef.get(AccountClient);
  });
  afterEach(async () => app.close());

  it('reads WeChat IP addresses', async () => {
    expect(await account.getApiDomainIps()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/)]),
    );
    expect((await account.getCallbackIps()).length).toBeGreaterThan(0);
  });

  it('reads an API quota, and clear_quota resets it until the monthly limit', async () => {
    const tokens = app.moduleRef.get(TokenService);
    await tokens.getAccessToken();
    await tokens.refresh({ force: true });
    const before = await account.getApiQuota('/cgi-bin/token');
    expect(before.used).toBeGreaterThanOrEqual(2);
    expect(before.dailyLimit).toBe(2000);
    expect(before.remain).toBe(before.dailyLimit - before.used);
    await account.clearQuota();
    expect((await account.getApiQuota('/cgi-bin/token')).used).toBe(0);
    for (let i = 1; i < 10; i++) await account.clearQuota();
    const error = await account.clearQuota().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatQuotaError);
    expect(error).toMatchObject({ errcode: 48006, kind: 'quota' });
  });

  it('refuses a cgi path that is not a path', async () => {
    await expect(account.getApiQuota('cgi-bin/token')).rejects.toMatchObject({
      kind: 'invalid-argument',
    });
  });
});
