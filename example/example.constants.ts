/** A sentence saying which WeChat the example talks to. */
export const WECHAT_CONNECTION_LABEL = Symbol('WECHAT_CONNECTION_LABEL');

/** The emulator's chat page, where its demo users talk to the app; null on the real WeChat. */
export const CHAT_PAGE_URL = Symbol('CHAT_PAGE_URL');
