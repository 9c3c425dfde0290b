import { afterEach, describe, it } from '@jest/globals';
import { WeChatEmulator } from '../../src/testing/index.js';
import { waitFor } from '../support/wechat-test-app.js';

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('a delayMs fault', () => {
  let emulator: WeChatEmulator | undefined;
  afterEach(async () => emulator?.close());

  it('leaves no timer behind when the emulator closes during the delay', async () => {
    emulator = await WeChatEmulator.start({ appId: 'wx00000000000000cd', appSecret: 'secret-cd' });
    const before = timers();
    emulator.injectFault('/cgi-bin/token', { delayMs: 60_000 });
    const call = fetch(`${emulator.url}/cgi-bin/token`).catch(() => undefined);
    await waitFor('the request at the emulator', () => emulator!.callCount('/cgi-bin/token') === 1);
    await emulator.close();
    emulator = undefined;
    await call;
    await waitFor('the delay to end', () => timers() <= before);
  });
});
