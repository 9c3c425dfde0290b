import { afterEach, describe, expect, it } from '@jest/globals';
import { type LoggerService, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { MemoryCredentialStore, WeChatModule, type WeChatModuleOptions } from '../../src/index.js';

const OPTIONS: WeChatModuleOptions = {
  appId: 'wx00000000000000ab',
  appSecret: 'not-used-here-secret',
  apiBaseUrl: 'http://127.0.0.1:9',
  token: { prefetch: false },
};

class WarningsLogger implements LoggerService {
  readonly warnings: string[] = [];
  log() {}
  error() {}
  warn = (message: unknown) => void this.warnings.push(String(message));
}

/** Two feature modules of an app, each importing the WeChat module `imports` gives it. */
async function appWith(imports: () => Parameters<typeof Module>[0]['imports']) {
  @Module({ imports: imports() })
  class Orders {}
  @Module({ imports: imports() })
  class Payments {}
  const logger = new WarningsLogger();
  const moduleRef = await Test.createTestingModule({ imports: [Orders, Payments] })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return { moduleRef, logger };
}

const RIVALS = /Another WeChatModule in this process holds the access_token of wx00000000000000ab/;

describe('one appId, one token holder per process', () => {
  let moduleRef: TestingModule;
  afterEach(async () => moduleRef.close());

  it('warns when two modules of one appId hold its token in stores of their own', async () => {
    const app = await appWith(() => [WeChatModule.forRoot(OPTIONS)]);
    moduleRef = app.moduleRef;
    expect(app.logger.warnings.filter((w) => RIVALS.test(w))).toHaveLength(1);
  });

  it('is quiet for one module imported twice, and for modules sharing a store', async () => {
    const one = WeChatModule.forRoot(OPTIONS);
    const shared = await appWith(() => [one]);
    moduleRef = shared.moduleRef;
    expect(shared.logger.warnings).toEqual([]);
    await moduleRef.close();

    const store = new MemoryCredentialStore();
    const sameStore = await appWith(() => [WeChatModule.forRoot({ ...OPTIONS, store })]);
    moduleRef = sameStore.moduleRef;
    expect(sameStore.logger.warnings).toEqual([]);
  });
});
