/** A sentence saying which WeChat the example talks to. */
export const WECHAT_CONNECTION_LABEL = Symbol('WECHAT_CONNECTION_LABEL');
