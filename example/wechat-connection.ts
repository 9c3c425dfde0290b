import { randomBytes } from 'node:crypto';
import { type WeChatModuleOptions } from '../src/index.js';
import { WeChatEmulator } from '../src/testing/index.js';

/** The WeChat the example talks to: the real one with credentials, else an embedded emulator. */
export interface WeChatConnection {
  options: WeChatModuleOptions;
  emulator?: WeChatEmulator;
  describe: string;
}

const DEMO_APP_ID = 'wxd0e1d2e3d4e5d6e7';

export async function connectWeChat(env: NodeJS.ProcessEnv): Promise<WeChatConnection> {
  const appId = env.WECHAT_APP_ID;
  const appSecret = env.WECHAT_APP_SECRET;
  if (appId && appSecret) {
    return { options: { appId, appSecret }, describe: `the real WeChat, account ${appId}` };
  }
  const demoSecret = randomBytes(16).toString('hex');
  const emulator = await WeChatEmulator.start({ appId: DEMO_APP_ID, appSecret: demoSecret });
  return {
    emulator,
    options: {
      appId: DEMO_APP_ID,
      appSecret: demoSecret,
      apiBaseUrl: emulator.url,
      openBaseUrl: emulator.url,
    },
    describe: `the embedded WeChat emulator at ${emulator.url}`,
  };
}
