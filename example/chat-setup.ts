import { type INestApplication } from '@nestjs/common';
import { MenuClient, QrCodeClient } from '../src/index.js';
import { type WeChatConnection } from './wechat-connection.js';

/** The keys of the example menu's click buttons. */
export const MENU_KEYS = { hello: 'EXAMPLE_HELLO', time: 'EXAMPLE_TIME' } as const;

/** The scene of the example's QR code, which the chat greets scanners with. */
export const EXAMPLE_QR_SCENE = 'example-poster';

/**
 * On the embedded emulator: creates the example's custom menu and QR code through the app's
 * clients, and points the emulator's pushes at the app (after a URL check, as WeChat's console
 * does), so the emulator's chat page has something to tap, scan and talk to. On a real account
 * it does nothing: creating a menu would replace yours, and the push URL is set in the console.
 */
export async function setUpChat(
  app: INestApplication,
  connection: WeChatConnection,
  appUrl: string,
): Promise<void> {
  const { emulator, options } = connection;
  if (!emulator || !options.push?.token) return;
  await app.get(MenuClient).create({
    button: [
      { type: 'click', name: 'Hello', key: MENU_KEYS.hello },
      { type: 'click', name: 'Time', key: MENU_KEYS.time },
      { type: 'view', name: 'Sign in', url: `${appUrl}/hello` },
    ],
  });
  await app.get(QrCodeClient).createTemporary({ sceneStr: EXAMPLE_QR_SCENE });
  await emulator.configurePush({
    url: `${appUrl}${options.push.path ?? '/wechat/push'}`,
    token: options.push.token,
    encodingAESKey: options.push.encodingAESKey,
    mode: 'safe',
  });
}
