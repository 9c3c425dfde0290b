export { WeChatEmulator, type WeChatEmulatorOptions } from './emulator/wechat-emulator.js';
export { WeChatEmulators } from './emulator/wechat-emulators.js';
export { EmulatorClock } from './emulator/emulator-clock.js';
export { TestClock, type TestClockOptions } from './test-clock.js';
export { type EmulatorFault } from './emulator/emulator-router.js';
export type { EmulatorUser, EmulatorUserInput } from './emulator/emulator-users.js';
export type { EmulatorInteraction } from './emulator/customer-service-window.js';
export type { SentMessage } from './emulator/sent-messages.js';
export type { EmulatorMenuButton } from './emulator/emulator-menu.js';
export type { EmulatorQrCode, EmulatorQrScene, QrActionName } from './emulator/qr-codes.js';
export type { EmulatorMediaType } from './emulator/media-store.js';
export type {
  EmulatorPushConfig,
  EmulatorPushFormat,
  EmulatorPushMode,
} from './emulator/push/push-config.js';
export type {
  EmulatorPushComposer,
  SentScanEvent,
  SentSubscribeEvent,
} from './emulator/push/push-compose.js';
export {
  PUSH_UNAVAILABLE_NOTICE,
  type EmulatorPushOutcome,
  type EmulatorPushRecord,
  type EmulatorPushReply,
  type EmulatorPushTry,
} from './emulator/push/push-outcome.js';
export { PushAbortedError } from './emulator/push/push-http.js';
export { PushUnavailableError } from './emulator/push/emulator-push.js';
export {
  signInAs,
  type SignedInClient,
  type SignInOptions,
  type SignInTarget,
} from './sign-in-as.js';
export * from './store-conformance/index.js';
