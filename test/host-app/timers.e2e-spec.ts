import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Injectable, type ModuleMetadata } from '@nestjs/common';
import { Interval, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test, type TestingModule } from '@nestjs/testing';
import { TokenService, WeChatModule } from '../../src/index.js';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { emulatorOptions, startEmulator } from '../support/wechat-test-app.js';

const TICK_MS = 100;
const WINDOW_MS = 1_000;

/** An app's own scheduled method, as apps write them. */
@Injectable()
class Heartbeat {
  static ticks = 0;
  @Interval(TICK_MS)
  beat(): void {
    Heartbeat.ticks += 1;
  }
}

type Layout = 'schedule first' | 'schedule after WeChat' | 'no @nestjs/schedule';

function imports(layout: Layout, withWeChat: boolean): ModuleMetadata['imports'] {
  const wechat = withWeChat
    ? [
        WeChatModule.forRoot({
          appId: 'wx00000000000000aa',
          appSecret: 'not-used-here-secret',
          // Nothing is fetched: this is about the app's timers only.
          apiBaseUrl: 'http://127.0.0.1:9',
          token: { prefetch: false },
        }),
      ]
    : [];
  if (layout === 'no @nestjs/schedule') return wechat;
  if (layout === 'schedule first') return [ScheduleModule.forRoot(), ...wechat];
  return [...wechat, ScheduleModule.forRoot()];
}

/** How often the app's `@Interval` fires in the window, on a fake clock (exact, not timed). */
async function ticksOver(layout: Layout, withWeChat: boolean): Promise<number> {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  try {
    const moduleRef = await Test.createTestingModule({
      imports: imports(layout, withWeChat),
      providers: [Heartbeat],
    }).compile();
    await moduleRef.init();
    Heartbeat.ticks = 0;
    jest.advanceTimersByTime(WINDOW_MS);
    const ticks = Heartbeat.ticks;
    await moduleRef.close();
    return ticks;
  } finally {
    jest.useRealTimers();
  }
}

describe("the app's own timers", () => {
  it.each<[Layout, number]>([
    ['schedule first', WINDOW_MS / TICK_MS],
    ['schedule after WeChat', WINDOW_MS / TICK_MS],
    ['no @nestjs/schedule', 0],
  ])('%s: the same ticks with and without WeChatModule', async (layout, expected) => {
    expect(await ticksOver(layout, false)).toBe(expected);
    expect(await ticksOver(layout, true)).toBe(expected);
  });
});

describe('the refresh timers', () => {
  let emulator: WeChatEmulator;
  let moduleRef: TestingModule;

  afterEach(async () => {
    await moduleRef.close();
    await emulator.close();
  });

  async function start(withSchedule: boolean): Promise<void> {
    emulator = await startEmulator({ tokenTtlSeconds: 60 });
    moduleRef = await Test.createTestingModule({
      imports: [
        WeChatModule.forRoot(emulatorOptions(emulator)),
        ...(withSchedule ? [ScheduleModule.forRoot()] : []),
      ],
    }).compile();
    await moduleRef.init();
    await moduleRef.get(TokenService).getAccessToken();
  }

  it("are listed by their stable name in the app's SchedulerRegistry, and removed on close", async () => {
    await start(true);
    const registry = moduleRef.get(SchedulerRegistry);
    expect(registry.getTimeouts()).toEqual([
      `nestjs-wechat:${emulator.appId}:access_token:refresh`,
    ]);
    await moduleRef.close();
    expect(registry.getTimeouts()).toEqual([]);
  });
});
