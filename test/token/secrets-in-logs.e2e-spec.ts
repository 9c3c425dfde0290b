import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { JsSdkService, TokenService, WeChatApiClient, WeChatModule } from '../../src/index.js';
import { TestClock, type WeChatEmulator } from '../../src/testing/index.js';
import { APP_SECRET, emulatorOptions, startEmulator, waitFor } from '../support/wechat-test-app.js';
import { RecordingLogger } from '../support/lines-logger.js';

describe('secrets and tokens stay out of logs and errors', () => {
  let emulator: WeChatEmulator;
  let moduleRef: TestingModule;
  afterEach(async () => {
    await moduleRef?.close();
    await emulator?.close();
  });

  it('across fetches, failures, repairs and retries', async () => {
    const clock = new TestClock();
    emulator = await startEmulator({ clock });
    const logger = new RecordingLogger();
    moduleRef = await Test.createTestingModule({
      imports: [
        WeChatModule.forRoot(
          emulatorOptions(emulator, { clock, token: { refreshAheadSeconds: 300, prefetch: true } }),
        ),
      ],
    })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
    const tokens = moduleRef.get(TokenService);
    const api = moduleRef.get(WeChatApiClient);
    const seen = new Set<string>();
    const errors: string[] = [];
    const collect = (error: unknown) => {
      const e = error as Error;
      errors.push(`${e.message} ${e.stack} ${JSON.stringify(e)}`);
    };

    seen.add(await tokens.getAccessToken());
    seen.add(await moduleRef.get(JsSdkService).getTicket());
    // A transient failure in the background refresh is logged.
    emulator.injectFault('/cgi-bin/token', { status: 502, times: 4 });
    await clock.advance(7_200_000 - 300_000); // to the token's refresh-ahead moment
    await waitFor('a failed background refresh', () =>
      logger.lines.some((l) => l.includes('HTTP 502')),
    );
    // A stale token is repaired; a token error that persists surfaces.
    emulator.revokeAllTokens();
    await api.get('/cgi-bin/get_api_domain_ip').catch(collect);
    seen.add(await tokens.getAccessToken());
    emulator.injectFault('/cgi-bin/get_api_domain_ip', { errcode: 40001, times: 2 });
    await api.get('/cgi-bin/get_api_domain_ip').catch(collect);
    // A configuration error is logged and thrown.
    emulator.injectFault('/cgi-bin/token', { errcode: 40125, times: Infinity });
    await tokens.refresh({ force: true }).catch(collect);

    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(logger.lines.some((l) => l.includes('40125'))).toBe(true);
    for (const text of [...logger.lines, ...errors]) {
      expect(text).not.toContain(APP_SECRET);
      for (const secret of seen) expect(text).not.toContain(secret);
    }
  });
});
