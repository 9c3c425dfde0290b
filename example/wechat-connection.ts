import { randomBytes } from 'node:crypto';
import { type WeChatModuleOptions } from '../src/index.js';
import { WeChatEmulator } from '../src/testing/index.js';

// What WeChat's console allows for the push Token and EncodingAESKey: letters and digits.
function randomAlphanumeric(length: number): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (byte) => letters[byte % letters.length]).join('');
}

/** The WeChat the example talks to: the real one with credentials, else an embedded emulator. */
export interface WeChatConnection {
  options: WeChatModuleOptions;
  emulator?: WeChatEmulator;
  describe: string;
}

const DEMO_APP_ID = 'wxd0e1d2e3d4e5d6e7';

/** The users the embedded emulator knows; a browser picks one on its first visit. */
export const DEMO_USERS = [
  {
    openid: 'o_demo_xiaoming_01',
    nickname: '小明 Xiaoming',
    city: 'Shenzhen',
    unionid: 'u_demo_01',
  },
  { openid: 'o_demo_lihua_0002', nickname: '李华 Li Hua', city: 'Hangzhou' },
];

export async function connectWeChat(env: NodeJS.ProcessEnv): Promise<WeChatConnection> {
  // Sessions survive a restart only with a fixed secret; a random one is fine for a demo.
  const oauth = { sessionSecret: env.WECHAT_SESSION_SECRET ?? randomBytes(32).toString('hex') };
  const appId = env.WECHAT_APP_ID;
  const appSecret = env.WECHAT_APP_SECRET;
  if (appId && appSecret) {
    // Pushes need the console's Token (and key, for safe mode): without them, no endpoint.
    const push = env.WECHAT_PUSH_TOKEN
      ? { token: env.WECHAT_PUSH_TOKEN, encodingAESKey: env.WECHAT_ENCODING_AES_KEY }
      : undefined;
    return {
      options: { appId, appSecret, oauth, push },
      describe: `the real WeChat, account ${appId}`,
    };
  }
  const demoSecret = randomBytes(16).toString('hex');
  const emulator = await WeChatEmulator.start({ appId: DEMO_APP_ID, appSecret: demoSecret });
  for (const user of DEMO_USERS) emulator.addUser(user);
  return {
    emulator,
    options: {
      appId: DEMO_APP_ID,
      appSecret: demoSecret,
      apiBaseUrl: emulator.url,
      openBaseUrl: emulator.url,
      oauth,
      push: { token: randomAlphanumeric(32), encodingAESKey: randomAlphanumeric(43) },
    },
    describe: `the embedded WeChat emulator at ${emulator.url}`,
  };
}
