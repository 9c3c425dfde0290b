import { type TestingModule } from '@nestjs/testing';
import { type WeChatEmulator } from '../../src/testing/index.js';
import { createWeChatTestingModule, startEmulator } from '../support/wechat-test-app.js';

/** An emulator and the module on it, for the typed-client tests. */
export async function startClientApp(): Promise<{
  emulator: WeChatEmulator;
  moduleRef: TestingModule;
  close(): Promise<void>;
}> {
  const emulator = await startEmulator();
  const moduleRef = await createWeChatTestingModule(emulator, { mpBaseUrl: emulator.url });
  return {
    emulator,
    moduleRef,
    async close() {
      await moduleRef.close();
      await emulator.close();
    },
  };
}
