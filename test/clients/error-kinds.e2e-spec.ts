import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  describeErrcode,
  ERRCODES,
  WeChatApiClient,
  WeChatApiError,
  WeChatArgumentError,
  WeChatConfigurationError,
  WeChatQuotaError,
} from '../../src/index.js';
import { startClientApp } from './client-app.js';

const PATH = '/cgi-bin/get_api_domain_ip';

describe('errors say what the caller should do', () => {
  let app: Awaited<ReturnType<typeof startClientApp>>;
  let api: WeChatApiClient;

  beforeEach(async () => {
    app = await startClientApp();
    api = app.moduleRef.get(WeChatApiClient);
    await api.get(PATH);
  });
  afterEach(async () => app.close());

  it.each([
    [48001, 'configuration', WeChatConfigurationError],
    [45009, 'quota', WeChatQuotaError],
    [45011, 'rate-limit', WeChatApiError],
    [43004, 'user-state', WeChatApiError],
    [47003, 'invalid-argument', WeChatApiError],
    [-1, 'upstream', WeChatApiError],
    [99999, 'unknown', WeChatApiError],
  ])('%i is %s', async (errcode, kind, type) => {
    app.emulator.injectFault(PATH, { errcode, times: Infinity });
    const error = (await api.get(PATH).catch((e: unknown) => e)) as WeChatApiError;
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({
      errcode,
      kind,
      path: PATH,
      rid: expect.stringMatching(/^[0-9a-f-]+$/),
    });
    expect(error.message).toContain(describeErrcode(errcode).explanation);
  });

  it('retries -1 with backoff and no other code', async () => {
    const before = app.emulator.callCount(PATH);
    app.emulator.injectFault(PATH, { errcode: -1, times: 2 });
    await expect(api.get(PATH)).resolves.toHaveProperty('ip_list');
    expect(app.emulator.callCount(PATH) - before).toBe(3);

    app.emulator.injectFault(PATH, { errcode: 45011, times: 1 });
    await expect(api.get(PATH)).rejects.toMatchObject({ errcode: 45011 });
    expect(app.emulator.callCount(PATH) - before).toBe(4);
  });

  it.each(['cgi-bin/user/info', '/cgi-bin/../evil', 'https://evil.example/cgi-bin/x', '/a?b=c'])(
    'refuses the path %j as an argument error',
    async (path) => {
      const refusal = await api.get(path).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(WeChatArgumentError);
      expect(refusal).toMatchObject({ argument: 'path', kind: 'invalid-argument' });
    },
  );

  it('explains every errcode in the table in words', () => {
    for (const [code, info] of Object.entries(ERRCODES)) {
      expect(`${code}: ${info.explanation}`).toMatch(/^-?\d+: \S.{10,}/);
    }
  });
});
