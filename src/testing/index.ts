export { WeChatEmulator, type WeChatEmulatorOptions } from './emulator/wechat-emulator.js';
export { EmulatorClock } from './emulator/emulator-clock.js';
export { type EmulatorFault } from './emulator/emulator-router.js';
export type { EmulatorUser, EmulatorUserInput } from './emulator/emulator-users.js';
export type { SentMessage } from './emulator/sent-messages.js';
export type { MenuButton } from './emulator/emulator-menu.js';
export type { QrActionName, QrCode, QrScene } from './emulator/qr-codes.js';
export type { MediaType } from './emulator/media-store.js';
