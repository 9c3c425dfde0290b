import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  type CredentialStore,
  InjectCredentialStore,
  InjectWeChatOptions,
  JsSdkService,
  type ResolvedWeChatOptions,
  TokenService,
  WeChatApiClient,
  WeChatModule,
  type WeChatModuleOptions,
  WeChatOptionsError,
  type WeChatOptionsFactory,
} from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { APP_ID, APP_SECRET, emulatorOptions, startEmulator } from '../support/wechat-test-app.js';

describe('WeChatModule', () => {
  let emulator: WeChatEmulator;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => emulator.close());

  @Injectable()
  class WeChatConfig {
    options(): WeChatModuleOptions {
      return emulatorOptions(emulator);
    }
  }

  @Module({ providers: [WeChatConfig], exports: [WeChatConfig] })
  class ConfigModule {}

  @Injectable()
  class OptionsFactory implements WeChatOptionsFactory {
    createWeChatOptions() {
      return emulatorOptions(emulator);
    }
  }

  const variants: [string, () => ReturnType<typeof WeChatModule.forRoot>][] = [
    ['forRoot', () => WeChatModule.forRoot(emulatorOptions(emulator))],
    [
      'forRootAsync with useFactory, imports and inject',
      () =>
        WeChatModule.forRootAsync({
          imports: [ConfigModule],
          inject: [WeChatConfig],
          useFactory: async (config: WeChatConfig) => config.options(),
        }),
    ],
    ['forRootAsync with useClass', () => WeChatModule.forRootAsync({ useClass: OptionsFactory })],
    [
      'forRootAsync with useExisting',
      () =>
        WeChatModule.forRootAsync({
          imports: [
            {
              module: class OptionsFactoryModule {},
              providers: [OptionsFactory],
              exports: [OptionsFactory],
            },
          ],
          useExisting: OptionsFactory,
        }),
    ],
  ];

  describe.each(variants)('%s', (_label, wechatModule) => {
    it('provides TokenService, WeChatApiClient and JsSdkService, working against WeChat', async () => {
      const moduleRef = await Test.createTestingModule({ imports: [wechatModule()] }).compile();
      await moduleRef.init();
      try {
        await expect(moduleRef.get(TokenService).getAccessToken()).resolves.toEqual(
          expect.any(String),
        );
        await expect(
          moduleRef.get(WeChatApiClient).get('/cgi-bin/get_api_domain_ip'),
        ).resolves.toHaveProperty('ip_list');
        await expect(moduleRef.get(JsSdkService).getTicket()).resolves.toEqual(expect.any(String));
      } finally {
        await moduleRef.close();
      }
    });
  });

  it('is visible to every module with isGlobal', async () => {
    @Injectable()
    class Consumer {
      constructor(readonly tokens: TokenService) {}
    }
    @Module({ providers: [Consumer], exports: [Consumer] })
    class FeatureModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [
        WeChatModule.forRoot({ ...emulatorOptions(emulator), isGlobal: true }),
        FeatureModule,
      ],
    }).compile();
    expect(moduleRef.get(Consumer).tokens).toBeInstanceOf(TokenService);
    await moduleRef.close();
  });

  it('exports its options and store to the importing module, for @InjectWeChatOptions() and @InjectCredentialStore()', async () => {
    @Injectable()
    class Consumer {
      constructor(
        @InjectWeChatOptions() readonly options: ResolvedWeChatOptions,
        @InjectCredentialStore() readonly store: CredentialStore,
      ) {}
    }
    @Module({
      imports: [WeChatModule.forRoot(emulatorOptions(emulator, { retry: { attempts: 2 } }))],
      providers: [Consumer],
    })
    class FeatureModule {}

    const moduleRef = await Test.createTestingModule({ imports: [FeatureModule] }).compile();
    try {
      const { options, store } = moduleRef.get(Consumer);
      // Validated, with the defaults filled in.
      expect(options).toMatchObject({ appId: APP_ID, retry: { attempts: 2, baseDelayMs: 1000 } });
      // The very store the token is shared through.
      const token = await moduleRef.get(TokenService).getAccessToken();
      await expect(store.get(`{${APP_ID}}:access_token`)).resolves.toMatchObject({ value: token });
    } finally {
      await moduleRef.close();
    }
  });

  describe('rejects invalid options at startup, naming the option and never the secret', () => {
    // Evaluated when the cases are collected, before the emulator starts: a fixed address.
    const base = (): WeChatModuleOptions => ({
      appId: APP_ID,
      appSecret: APP_SECRET,
      apiBaseUrl: 'http://127.0.0.1:9',
    });
    const REDIS = 'redis://127.0.0.1:6379';
    const cases: [string, WeChatModuleOptions, string][] = [
      ['no appId', { ...base(), appId: '' }, 'appId'],
      ['an appId with spaces', { ...base(), appId: 'wx 123' }, 'appId'],
      ['no appSecret', { ...base(), appSecret: undefined as unknown as string }, 'appSecret'],
      ['a malformed apiBaseUrl', { ...base(), apiBaseUrl: 'api.weixin.qq.com' }, 'apiBaseUrl'],
      [
        'an apiBaseUrl with a query',
        { ...base(), apiBaseUrl: 'https://a.test/?x=1' },
        'apiBaseUrl',
      ],
      [
        'a malformed fallback',
        { ...base(), fallbackApiBaseUrls: ['ftp://x'] },
        'fallbackApiBaseUrls[0]',
      ],
      ['a malformed openBaseUrl', { ...base(), openBaseUrl: 'nope' }, 'openBaseUrl'],
      [
        'an unknown token source',
        { ...base(), token: { source: 'other' as 'token' } },
        'token.source',
      ],
      [
        'a refreshAheadSeconds out of range',
        { ...base(), token: { refreshAheadSeconds: 0 } },
        'token.refreshAheadSeconds',
      ],
      ['zero retry attempts', { ...base(), retry: { attempts: 0 } }, 'retry.attempts'],
      ['a negative httpTimeoutMs', { ...base(), httpTimeoutMs: -5 }, 'httpTimeoutMs'],
      [
        'a short oauth.sessionSecret',
        { ...base(), oauth: { sessionSecret: 'too-short-secret' } },
        'oauth.sessionSecret',
      ],
      ['a malformed redis.url', { ...base(), redis: { url: 'localhost:6379' } }, 'redis.url'],
      ['a clock without setTimer', { ...base(), clock: { now: () => 0 } as never }, 'clock'],
      // Issue 12: each of these passed once, and failed later (a 500 after the code exchange, a
      // bare `changed` pub/sub channel): every duration is a whole number, checked at start-up.
      ...fractionCases(),
      [
        'an empty redis.keyPrefix',
        { ...base(), redis: { url: REDIS, keyPrefix: '' } },
        'redis.keyPrefix',
      ],
      [
        'a redis.keyPrefix with a space',
        { ...base(), redis: { url: REDIS, keyPrefix: 'my app:' } },
        'redis.keyPrefix',
      ],
    ];

    function fractionCases(): [string, WeChatModuleOptions, string][] {
      const oauth = { sessionSecret: 'a-session-secret-of-at-least-32-bytes!!' };
      const redis = { url: REDIS };
      const fractions: [string, Partial<WeChatModuleOptions>][] = [
        ['oauth.stateTtlSeconds', { oauth: { ...oauth, stateTtlSeconds: 300.5 } }],
        ['oauth.cookie.maxAgeSeconds', { oauth: { ...oauth, cookie: { maxAgeSeconds: 3600.5 } } }],
        ['token.refreshAheadSeconds', { token: { refreshAheadSeconds: 299.5 } }],
        ['token.failureCooldownSeconds', { token: { failureCooldownSeconds: 0.5 } }],
        ['retry.baseDelayMs', { retry: { baseDelayMs: 10.5 } }],
        ['httpTimeoutMs', { httpTimeoutMs: 2000.5 }],
        ['shutdownGraceMs', { shutdownGraceMs: 0.1 }],
        ['redis.operationTimeoutMs', { redis: { ...redis, operationTimeoutMs: 100.5 } }],
        ['redis.connectTimeoutMs', { redis: { ...redis, connectTimeoutMs: 100.5 } }],
      ];
      return fractions.map(([option, extra]) => [
        `a fraction in ${option}`,
        { ...base(), ...extra },
        option,
      ]);
    }

    it.each(cases)('%s', async (_label, options, option) => {
      const error = await Test.createTestingModule({ imports: [WeChatModule.forRoot(options)] })
        .compile()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WeChatOptionsError);
      expect(error).toMatchObject({ option });
      expect((error as Error).message).toContain(`option ${option}`);
      expect((error as Error).message).not.toContain(APP_SECRET);
    });

    const SESSION_SECRET = 'a-session-secret-of-at-least-32-bytes!!';
    it.each([
      [
        'oauth without oauthCallbackPath',
        {},
        { sessionSecret: SESSION_SECRET },
        'oauthCallbackPath',
      ],
      [
        'oauthCallbackPath without oauth',
        { oauthCallbackPath: '/auth/wx' },
        undefined,
        'oauthCallbackPath',
      ],
      [
        'an oauth.callbackPath other than oauthCallbackPath',
        { oauthCallbackPath: '/auth/wx' },
        { sessionSecret: SESSION_SECRET, callbackPath: '/somewhere/else' },
        'oauth.callbackPath',
      ],
    ])('forRootAsync: %s', async (_label, extras, oauth, option) => {
      const error = await Test.createTestingModule({
        imports: [
          WeChatModule.forRootAsync({ ...extras, useFactory: () => ({ ...base(), oauth }) }),
        ],
      })
        .compile()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WeChatOptionsError);
      expect(error).toMatchObject({ option });
    });

    it('fails the same way through forRootAsync', async () => {
      const error = await Test.createTestingModule({
        imports: [WeChatModule.forRootAsync({ useFactory: () => ({ ...base(), appId: '' }) })],
      })
        .compile()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WeChatOptionsError);
    });
  });
});
