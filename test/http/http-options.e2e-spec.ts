import { describe, expect, it } from '@jest/globals';
import { type WeChatModuleOptions, WeChatOptionsError } from '../../src/index.js';
import { resolveOptions } from '../../src/options/resolve-options.js';

const base = (): WeChatModuleOptions => ({
  appId: 'wx5f3a8e1b2c4d6e70',
  appSecret: 'test-app-secret-0f1e2d3c4b5a69788796',
});

describe('options of the HTTP layer', () => {
  it('has defaults: a 4 MiB JSON limit, a 10 s idle download, no deadline, WeChat’s CDN', () => {
    const resolved = resolveOptions(base());
    expect(resolved.jsonLimitBytes).toBe(4 * 1024 * 1024);
    expect(resolved.download).toEqual({
      idleTimeoutMs: 10_000,
      deadlineMs: undefined,
      urlAllowList: ['*/vweixinp.tc.qq.com/', '*.qq.com', '*.qpic.cn'],
    });
  });

  it('takes valid values', () => {
    const resolved = resolveOptions({
      ...base(),
      jsonLimitBytes: 1024,
      download: {
        idleTimeoutMs: 1,
        deadlineMs: 86_400_000,
        maxBytes: 1,
        urlAllowList: [' cdn.example '],
      },
    });
    expect(resolved.jsonLimitBytes).toBe(1024);
    expect(resolved.download).toEqual({
      idleTimeoutMs: 1,
      deadlineMs: 86_400_000,
      maxBytes: 1,
      urlAllowList: ['cdn.example'],
    });
  });

  it.each<[string, Partial<WeChatModuleOptions>, string]>([
    ['a fraction', { jsonLimitBytes: 4096.5 }, 'jsonLimitBytes'],
    ['too small a limit', { jsonLimitBytes: 100 }, 'jsonLimitBytes'],
    ['too large a limit', { jsonLimitBytes: 2 ** 31 }, 'jsonLimitBytes'],
    ['a fraction', { download: { idleTimeoutMs: 100.5 } }, 'download.idleTimeoutMs'],
    ['zero', { download: { idleTimeoutMs: 0 } }, 'download.idleTimeoutMs'],
    ['a fraction', { download: { deadlineMs: 0.5 } }, 'download.deadlineMs'],
    ['zero', { download: { deadlineMs: 0 } }, 'download.deadlineMs'],
    ['zero', { download: { maxBytes: 0 } }, 'download.maxBytes'],
    ['a fraction', { download: { maxBytes: 1024.5 } }, 'download.maxBytes'],
    ['a string', { download: { maxBytes: '10MB' as never } }, 'download.maxBytes'],
    ['a string', { download: { urlAllowList: '*.qq.com' as never } }, 'download.urlAllowList'],
    [
      'a URL for an entry',
      { download: { urlAllowList: ['*.qq.com', 'http://cdn.example/'] } },
      'download.urlAllowList[1]',
    ],
    [
      'credentials in an entry',
      { download: { urlAllowList: ['user@cdn.example'] } },
      'download.urlAllowList[0]',
    ],
  ])('refuses %s in %j at start-up, naming the option', (_label, extra, option) => {
    let error: unknown;
    try {
      resolveOptions({ ...base(), ...extra });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeChatOptionsError);
    expect(error).toMatchObject({ option });
  });
});
