import { type TestingModule, Test } from '@nestjs/testing';
import { WeChatModule, type WeChatModuleOptions } from '../../src/index.js';
import { WeChatEmulator, type WeChatEmulatorOptions } from '../../src/testing/index.js';

export const APP_ID = 'wx5f3a8e1b2c4d6e70';
export const APP_SECRET = 'test-app-secret-0f1e2d3c4b5a69788796';

/** Options pointing the module at the emulator, with test-sized retry delays. */
export function emulatorOptions(
  emulator: WeChatEmulator,
  overrides: Partial<WeChatModuleOptions> = {},
): WeChatModuleOptions {
  return {
    appId: APP_ID,
    appSecret: APP_SECRET,
    apiBaseUrl: emulator.url,
    openBaseUrl: emulator.url,
    retry: { attempts: 4, baseDelayMs: 5 },
    httpTimeoutMs: 2000,
    ...overrides,
    token: { prefetch: false, ...overrides.token },
    // The emulator serves a video's video_url itself, on loopback: named exactly, it is admitted.
    download: { urlAllowList: [new URL(emulator.url).host], ...overrides.download },
  };
}

export function startEmulator(
  options: Partial<WeChatEmulatorOptions> = {},
): Promise<WeChatEmulator> {
  return WeChatEmulator.start({ appId: APP_ID, appSecret: APP_SECRET, ...options });
}

/** A Nest testing module with `WeChatModule.forRoot` against the emulator, initialised. */
export async function createWeChatTestingModule(
  emulator: WeChatEmulator,
  overrides: Partial<WeChatModuleOptions> = {},
): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [WeChatModule.forRoot(emulatorOptions(emulator, overrides))],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

// Re-exported for the specs that start an app anyway; others import ./wait-for.js (no Nest).
export { sleep, waitFor } from './wait-for.js';
