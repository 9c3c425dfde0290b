import { type WeChatModuleOptions } from 'nestjs-wechat';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** WeChat settings from the environment; `WECHAT_EMULATOR_URL` points the app at an emulator. */
export function wechatOptions(): WeChatModuleOptions {
  const emulatorUrl = process.env.WECHAT_EMULATOR_URL;
  return {
    appId: required('WECHAT_APP_ID'),
    appSecret: required('WECHAT_APP_SECRET'),
    ...(emulatorUrl && { apiBaseUrl: emulatorUrl, openBaseUrl: emulatorUrl }),
    oauth: { sessionSecret: required('WECHAT_SESSION_SECRET') },
    push: {
      token: required('WECHAT_PUSH_TOKEN'),
      encodingAESKey: process.env.WECHAT_ENCODING_AES_KEY,
    },
    // Tests set a short retry delay so that fault tests take milliseconds.
    ...(process.env.WECHAT_RETRY_DELAY_MS && {
      retry: { attempts: 3, baseDelayMs: Number(process.env.WECHAT_RETRY_DELAY_MS) },
    }),
  };
}
