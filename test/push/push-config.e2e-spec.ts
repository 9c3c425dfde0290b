import { Injectable, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  OnWeChatEvent,
  type OtherWeChatPush,
  WeChatModule,
  type WeChatModuleOptions,
  WeChatOptionsError,
} from '../../src/index.js';
import { PushCipher } from '../../src/push/push-cipher.js';
import {
  AES_KEY,
  APP_ID,
  HandlerLog,
  PLATFORMS,
  PREVIOUS_AES_KEY,
  pushOptions,
  startPushApp,
  TestPushHandlers,
} from './push-test-app.js';
import { openReply, post, signedPush, textMessage } from './push-requests.js';
import { V1, V6 } from './push-vectors.js';

@Injectable()
class DebugDemoHandler {
  constructor(private readonly log: HandlerLog) {}

  @OnWeChatEvent('debug_demo')
  demo(event: OtherWeChatPush): string {
    this.log.record('demo', event);
    return `got ${String(event.debug_str)}`;
  }
}

function vectorOptions(vector: { token: string; appId: string; encodingAESKey: string }) {
  return {
    ...pushOptions({ token: vector.token, encodingAESKey: vector.encodingAESKey }),
    appId: vector.appId,
  };
}

describe.each(PLATFORMS)('WeChat documented pushes on %s', (platform) => {
  it('answers V1: URL verification, a plain post and a safe post', async () => {
    const { app, url, log } = await startPushApp(platform, vectorOptions(V1), {
      providers: [DebugDemoHandler],
    });
    try {
      const verified = await fetch(`${url}/wechat/push?${V1.get.query}`);
      expect([verified.status, await verified.text()]).toEqual([200, V1.get.answer]);
      const forged = await fetch(`${url}/wechat/push?${V1.get.query.replace('f464', 'f465')}`);
      expect(forged.status).toBe(401);
      expect((await forged.text()).length).toBeLessThan(40);

      const plain = await post(`${url}/wechat/push`, {
        ...V1.plainPost,
        contentType: 'application/json',
      });
      expect(JSON.parse(plain.text)).toMatchObject({ MsgType: 'text', Content: 'got hello world' });
      const safe = await post(`${url}/wechat/push`, {
        ...V1.safePost,
        contentType: 'application/json',
      });
      const envelope = JSON.parse(safe.text) as Record<string, unknown>;
      expect(Object.keys(envelope).sort()).toEqual([
        'Encrypt',
        'MsgSignature',
        'Nonce',
        'TimeStamp',
      ]);
      expect(typeof envelope.TimeStamp).toBe('number');
      expect(String(envelope.TimeStamp)).toMatch(/^\d{10}$/);
      expect(openReply(safe.text, 'json', V1.encodingAESKey)).toMatchObject({
        ToUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
        FromUserName: 'gh_97417a04a28d',
        Content: 'got hello world',
      });
      expect(log.calls.map((c) => c.push.CreateTime)).toEqual([1714037059, V1.safePost.createTime]);
    } finally {
      await app.close();
    }
  });

  it('answers V6, the Open Platform example in XML', async () => {
    const { app, url, log } = await startPushApp(platform, vectorOptions(V6), {
      providers: [DebugDemoHandler],
    });
    try {
      const answer = await post(`${url}/wechat/push`, { ...V6.safePost, contentType: 'text/xml' });
      expect(answer.status).toBe(200);
      expect(openReply(answer.text, 'xml', V6.encodingAESKey)).toMatchObject({
        Content: 'got hello world',
      });
      expect(log.calls).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});

describe.each(PLATFORMS)('push configuration on %s', (platform) => {
  it('decrypts with the previous key after a rotation, and replies with the key that worked', async () => {
    const options = pushOptions({
      encodingAESKey: AES_KEY,
      previousEncodingAESKey: PREVIOUS_AES_KEY,
    });
    const { app, url } = await startPushApp(platform, options);
    try {
      for (const key of [AES_KEY, PREVIOUS_AES_KEY]) {
        const push = signedPush(textMessage('rotated'), {
          mode: 'safe',
          format: 'xml',
          appId: APP_ID,
          key,
        });
        const answer = await post(`${url}/wechat/push`, push);
        expect(openReply(answer.text, 'xml', key).Content).toBe('echo: rotated');
        const other = key === AES_KEY ? PREVIOUS_AES_KEY : AES_KEY;
        const ciphertext = /<Encrypt><!\[CDATA\[(.*?)\]\]>/.exec(answer.text)![1];
        expect(() => new PushCipher(other).decrypt(ciphertext)).toThrow();
      }
    } finally {
      await app.close();
    }
  });

  it('refuses plain pushes with 403 when encryption is required', async () => {
    const { app, url, log } = await startPushApp(
      platform,
      pushOptions({ requireEncryption: true }),
    );
    try {
      for (const mode of ['plain', 'compatible', 'safe'] as const) {
        const push = signedPush(textMessage('hi'), {
          mode,
          format: 'xml',
          appId: APP_ID,
          key: AES_KEY,
        });
        expect((await post(`${url}/wechat/push`, push)).status).toBe(mode === 'plain' ? 403 : 200);
      }
      expect(log.calls).toHaveLength(2);
    } finally {
      await app.close();
    }
  });

  it('mounts no endpoint without push, and says so when handlers are waiting for one', async () => {
    const warnings: string[] = [];
    const logger: LoggerService = {
      log() {},
      error() {},
      warn: (m: unknown) => warnings.push(String(m)),
    };
    const options: WeChatModuleOptions = { ...pushOptions(), push: undefined };
    const { app, url } = await startPushApp(platform, options, { logger });
    try {
      const push = signedPush(textMessage('hi'), {
        mode: 'plain',
        format: 'xml',
        appId: APP_ID,
        key: AES_KEY,
      });
      expect((await post(`${url}/wechat/push`, push)).status).toBe(404);
      expect(warnings.join('\n')).toMatch(/TestPushHandlers\.help.*no push option/);
    } finally {
      await app.close();
    }
  });
});

describe('push options', () => {
  const secretToken = 'S3cretTokenValue';
  it.each<[string, Partial<NonNullable<WeChatModuleOptions['push']>>, string]>([
    ['a token too short', { token: 'ab' }, 'push.token'],
    ['a token with symbols', { token: `${secretToken}!` }, 'push.token'],
    ['a key of 42 characters', { encodingAESKey: 'a'.repeat(42) }, 'push.encodingAESKey'],
    ['a key with symbols', { encodingAESKey: `${'a'.repeat(42)}+` }, 'push.encodingAESKey'],
    [
      'a previous key alone',
      { encodingAESKey: undefined, previousEncodingAESKey: AES_KEY },
      'push.previousEncodingAESKey',
    ],
    [
      'encryption required without a key',
      { encodingAESKey: undefined, requireEncryption: true },
      'push.requireEncryption',
    ],
    ['a relative path', { path: 'wechat' }, 'push.path'],
    ['a tiny body limit', { bodyLimitBytes: 10 }, 'push.bodyLimitBytes'],
    ['a fractional retry window', { retryWindowSeconds: 1.5 }, 'push.retryWindowSeconds'],
    ['a reply margin of the whole 5 s', { replyMarginMs: 5000 }, 'push.replyMarginMs'],
    ['an unknown late-reply route', { lateReply: 'sms' as never }, 'push.lateReply'],
    ['a late-reply hook that is not a function', { onLateReply: 'x' as never }, 'push.onLateReply'],
    [
      'both late-reply routes',
      { lateReply: 'customer-service', onLateReply: () => undefined },
      'push.onLateReply',
    ],
    ['no handler allowed in flight', { maxHandlersInFlight: 0 }, 'push.maxHandlersInFlight'],
  ])('refuses %s, naming the option and not its value', async (_what, push, option) => {
    const options = pushOptions({ token: secretToken, ...push });
    const compiling = Test.createTestingModule({
      imports: [WeChatModule.forRoot(options)],
    }).compile();
    const error = (await compiling.catch((e: unknown) => e)) as WeChatOptionsError;
    expect(error).toBeInstanceOf(WeChatOptionsError);
    expect(error.option).toBe(option);
    expect(error.message).not.toContain(secretToken);
    expect(error.message).not.toContain('a'.repeat(42));
    expect(error.message).not.toContain(AES_KEY);
  });

  it('refuses a push path equal to the OAuth callback path', async () => {
    const options: WeChatModuleOptions = {
      ...pushOptions({ path: '/wechat/back' }),
      oauth: { sessionSecret: 's'.repeat(32), callbackPath: '/wechat/back' },
    };
    await expect(
      Test.createTestingModule({ imports: [WeChatModule.forRoot(options)] }).compile(),
    ).rejects.toThrow(/push\.path.*must differ from oauth\.callbackPath/);
  });

  it.each(PLATFORMS)('serves forRootAsync at pushPath, and needs it (%s)', async (platform) => {
    const module = WeChatModule.forRootAsync({
      pushPath: '/hooks/wechat',
      useFactory: () => pushOptions(),
    });
    const moduleRef = await Test.createTestingModule({
      imports: [module],
      providers: [HandlerLog, TestPushHandlers],
    }).compile();
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    const app =
      platform === 'fastify'
        ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
        : moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const { port } = app.getHttpServer().address() as { port: number };
      const push = signedPush(textMessage('async'), {
        mode: 'safe',
        format: 'json',
        appId: APP_ID,
        key: AES_KEY,
      });
      const answer = await post(`http://127.0.0.1:${port}/hooks/wechat`, push);
      expect(openReply(answer.text, 'json', AES_KEY).Content).toBe('echo: async');
    } finally {
      await app.close();
    }
    const missing = WeChatModule.forRootAsync({ useFactory: () => pushOptions() });
    await expect(Test.createTestingModule({ imports: [missing] }).compile()).rejects.toThrow(
      /pushPath.*is missing/,
    );
  });
});
