import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { WeChatModule, type WeChatModuleOptions } from '../src/index.js';
import { WeChatEmulator } from '../src/testing/index.js';

export const BENCH_APP_ID = 'wxbe0c0be0c0be0c00';
export const BENCH_APP_SECRET = 'bench-secret-0123456789abcdef0123';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** An emulator and a Nest module using it, quiet (no Nest logs in the bench output). */
export async function startBenchApp(
  overrides: Partial<WeChatModuleOptions> = {},
): Promise<{ emulator: WeChatEmulator; moduleRef: TestingModule; close(): Promise<void> }> {
  const emulator = await WeChatEmulator.start({
    appId: BENCH_APP_ID,
    appSecret: BENCH_APP_SECRET,
    dailyQuota: 1_000_000,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      WeChatModule.forRoot({
        appId: BENCH_APP_ID,
        appSecret: BENCH_APP_SECRET,
        apiBaseUrl: emulator.url,
        ...overrides,
        token: { prefetch: false, ...overrides.token },
      }),
    ],
  })
    .setLogger(false as never)
    .compile();
  await moduleRef.init();
  return {
    emulator,
    moduleRef,
    async close() {
      await moduleRef.close();
      await emulator.close();
    },
  };
}

/** Formats a measured figure with a verdict against its target. */
export function verdict(value: number, target: string, ok: boolean): string {
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(2);
  return `${shown} (target ${target}: ${ok ? 'met' : 'NOT met'})`;
}
