/** Injection token of the validated options (`ResolvedWeChatOptions`). */
export const WECHAT_OPTIONS = Symbol('WECHAT_OPTIONS');

/** Prefix of every name this library registers (timers, store keys, loggers). */
export const WECHAT_NAMESPACE = 'nestjs-wechat';

/** Where WeChat sends the browser back after web authorization, unless `oauth.callbackPath`. */
export const DEFAULT_CALLBACK_PATH = '/wechat/oauth/callback';

/** Where WeChat posts pushed messages and events, unless `push.path`. */
export const DEFAULT_PUSH_PATH = '/wechat/push';

/** Injection token of what every account of the module shares (`ResolvedSharedOptions`). */
export const WECHAT_SHARED_OPTIONS = Symbol('WECHAT_SHARED_OPTIONS');

/** Injection token of the module's validated options (`ResolvedModuleOptions`). */
export const WECHAT_MODULE_RESOLVED = Symbol('WECHAT_MODULE_RESOLVED');
