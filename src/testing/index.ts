export { WeChatEmulator, type WeChatEmulatorOptions } from './emulator/wechat-emulator.js';
export { EmulatorClock } from './emulator/emulator-clock.js';
export { type EmulatorFault } from './emulator/emulator-router.js';
export type { EmulatorUser, EmulatorUserInput } from './emulator/emulator-users.js';
