/**
 * What the user sees in the chat when the account's server fails to answer a push in time or
 * answers something malformed ("被动回复用户消息":
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html).
 */
export const PUSH_UNAVAILABLE_NOTICE = '该公众号暂时无法提供服务，请稍后再试';

/** A passive reply as the user's client got it: WeChat's field names, `CreateTime` a number. */
export interface EmulatorPushReply {
  ToUserName: string;
  FromUserName: string;
  CreateTime: number;
  MsgType: string;
  [field: string]: unknown;
}

/** One try of a push: the answer's status, or why none came, and how long it took (real ms). */
export interface EmulatorPushTry {
  status?: number;
  failure?: 'timeout' | 'connection';
  ms: number;
  /** The first 200 characters of the answer, for reading test failures. */
  bodyPrefix?: string;
  /** Where the try went (as configured, without the push's query): set when `url` was a list. */
  url?: string;
}

interface TriesOf {
  /** How many times the push was sent (1 to 3). */
  tries: number;
  answers: EmulatorPushTry[];
}

/**
 * What the user saw after a push: the reply; nothing (the server answered `success` or an empty
 * body, or the push was an event with no reply); or WeChat's notice that the account is
 * unavailable, with the reason. A `transfer_customer_service` reply is reported as the reply:
 * the client shows nothing of it, the message goes to the customer-service agents.
 */
export type EmulatorPushOutcome =
  | ({ shown: 'reply'; reply: EmulatorPushReply; encrypted: boolean } & TriesOf)
  | ({ shown: 'nothing' } & TriesOf)
  | ({ shown: 'unavailable'; reason: string; notice: typeof PUSH_UNAVAILABLE_NOTICE } & TriesOf);

/** A push the emulator delivered, as `pushLog()` lists it. */
export interface EmulatorPushRecord {
  /** The message's fields as they were sent (before encryption). */
  message: Record<string, unknown>;
  outcome: EmulatorPushOutcome;
  /** When it was pushed, on the emulator's clock (epoch ms). */
  at: number;
}
