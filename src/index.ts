export { WeChatModule } from './wechat.module.js';
export { WECHAT_OPTIONS } from './wechat.constants.js';
export { InjectCredentialStore, InjectWeChatOptions } from './wechat.decorators.js';
export type {
  WeChatModuleAsyncOptions,
  WeChatModuleRootOptions,
  WeChatOptionsFactory,
} from './wechat.module-definition.js';
export type {
  ResolvedWeChatOptions,
  TokenSource,
  WeChatModuleOptions,
} from './options/wechat-module-options.interface.js';
export { WeChatOptionsError } from './options/wechat-options.error.js';
export type {
  OAuthOptions,
  PushOptions as WeChatPushOptions,
  TokenOptions,
  WeChatAccountOptions,
  WeChatAccountSource,
  WeChatSharedOptions,
} from './options/wechat-module-options.interface.js';
export type {
  RedisOptions,
  RedisClusterOptions,
  RedisSentinelOptions,
  RedisServerOptions,
} from './options/redis-options.interface.js';
export { WeChatAccounts } from './accounts/wechat-accounts.js';
export { WeChatAccount } from './accounts/wechat-account.js';
export { WeChatAccountNotFoundError } from './accounts/wechat-account-not-found.error.js';
export { InjectWeChatAccount, weChatAccountToken } from './accounts/inject-wechat-account.js';
export { accountKey } from './store/account-keys.js';
export { TokenService, type TokenStats, type TokenStatus } from './token/token.service.js';
export type { CredentialStatus } from './token/shared-credential.js';
export {
  CREDENTIAL_STORE,
  type CredentialStore,
  type StoredCredential,
} from './store/credential-store.interface.js';
export { MemoryCredentialStore } from './store/memory-credential-store.js';
export { StoreRefusedError } from './store/store-refused.error.js';
export { isNewerCredential } from './store/credential-order.js';
export { type ClockTimer, systemClock, type WeChatClock } from './clock/wechat-clock.js';
export { JsSdkService, type JsSdkConfig } from './jssdk/js-sdk.service.js';
export { signJsSdk, type JsSdkSignatureInput } from './jssdk/js-sdk-signature.js';
export { WeChatApiClient } from './api/wechat-api.client.js';
export { UserClient } from './api/clients/user.client.js';
export type {
  FollowerInfo,
  FollowerPage,
  NonFollowerInfo,
  TagUserPage,
  UserInfo,
  UserLanguage,
  UserTag,
} from './api/clients/user.types.js';
export { MessageClient } from './api/clients/message.client.js';
export type {
  CustomMessage,
  CustomMessageType,
  CustomNewsArticle,
  SubscribeMessage,
  TemplateData,
  TemplateMessage,
} from './api/clients/message.types.js';
export { MenuClient } from './api/clients/menu.client.js';
export type {
  CurrentSelfMenuInfo,
  Menu,
  MenuButton,
  MenuButtonType,
  MenuLeafButton,
  MenuParentButton,
} from './api/clients/menu.types.js';
export { QrCodeClient, type QrCode, type QrScene } from './api/clients/qrcode.client.js';
export { MediaClient, type MediaType, type UploadedMedia } from './api/clients/media.client.js';
export { type UploadFile } from './api/clients/multipart-body.js';
export { AccountClient, type ApiQuota } from './api/clients/account.client.js';
export {
  WeChatApiError,
  WeChatConfigurationError,
  WeChatQuotaError,
  WeChatArgumentError,
  WeChatTransportError,
  type WeChatTransportFailure,
} from './api/wechat-api.error.js';
export {
  ERRCODE,
  ERRCODES,
  describeErrcode,
  type ErrcodeInfo,
  type KnownErrcode,
  type WeChatErrorKind,
} from './api/errcodes.js';
export type { QueryValue, WeChatDownload } from './api/wechat-http.js';
export { OAuthService } from './oauth/oauth.service.js';
export { WeChatAuth } from './oauth/wechat-auth.decorator.js';
export { WeChatUser } from './oauth/wechat-user.decorator.js';
export { WeChatAuthGuard } from './oauth/wechat-auth.guard.js';
export { WeChatSessions } from './oauth/wechat-sessions.js';
export {
  WeChatAuthRedirectException,
  WeChatAuthRequiredException,
} from './oauth/oauth.exceptions.js';
export type {
  WebAccessToken,
  WebScope,
  WeChatAuthOptions,
  WeChatAuthUser,
  WeChatUserInfo,
} from './oauth/oauth.types.js';
export {
  OnWeChatEvent,
  OnWeChatMessage,
  WeChatPushMessage,
  type PushFilter,
  type PushHandlerOptions,
} from './push/push-handler.decorators.js';
export { WECHAT_CONTEXT_TYPE } from './push/push-handler.explorer.js';
export { PushHandlerError } from './push/push-handler.table.js';
export {
  WeChatReply,
  type WeChatImageReply,
  type WeChatMusicReply,
  type WeChatNewsArticle,
  type WeChatNewsReply,
  type WeChatReplyMessage,
  type WeChatTextReply,
  type WeChatTransferReply,
  type WeChatVideoReply,
  type WeChatVoiceReply,
} from './push/push-reply.js';
export type * from './push/push-message.types.js';
export type { PushOptions } from './options/wechat-module-options.interface.js';
