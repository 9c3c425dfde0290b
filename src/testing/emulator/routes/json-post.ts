import { type EmulatorReply, type EmulatorRequest } from '../emulator-router.js';
import { errorBody } from '../wechat-error-body.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Wraps the handler of a POST endpoint that takes a JSON object: another method answers 43002,
 * an empty body 44002 (WeChat's "empty post data") and JSON that is not an object 47001.
 */
export function jsonPost(
  handler: (body: JsonObject, req: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply>,
): (req: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply> {
  return (req) => {
    if (req.method !== 'POST') return errorBody(43002);
    if (req.body === undefined) return errorBody(44002);
    if (!isObject(req.body)) return errorBody(47001);
    return handler(req.body, req);
  };
}
