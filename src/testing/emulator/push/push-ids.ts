import { createHash, randomBytes, randomInt } from 'node:crypto';

// Original ids seen in WeChat's docs: gh_97417a04a28d, gh_10f6c3c3ac5a, gh_680bdefc8c5d.
const ORIGINAL_ID = /^gh_[0-9a-z]{12}$/i;

/** Whether `id` has the shape of an account's original id (原始 ID): `gh_` and 12 characters. */
export function isOriginalId(id: unknown): id is string {
  return typeof id === 'string' && ORIGINAL_ID.test(id);
}

/** The default original id of an appId: the same appId always gets the same one. */
export function originalIdFor(appId: string): string {
  return `gh_${createHash('sha1').update(appId).digest('hex').slice(0, 12)}`;
}

/**
 * A query `nonce` as WeChat sends it: a decimal number below 2^31 (the docs' examples:
 * 1514711492, 486452656, 415670741).
 */
export function pushNonce(): string {
  return String(randomInt(100_000_000, 2 ** 31));
}

/** An `echostr` as WeChat's URL verification sends it: 19 digits (4375120948345356249). */
export function pushEchostr(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
}

/** A media id for what a user sends: the shape of the ones `media/upload` answers. */
export function userMediaId(): string {
  return randomBytes(48).toString('base64url');
}

// wechat-push.md section 6: MsgId is a 64-bit integer (6054768590064713728 in vector V3).
const MSG_ID_BASE = 6_054_768_590_064_713_729n;

/**
 * MsgIds of the messages users send: 19 digits, unique, and always odd, so no MsgId is a
 * number a double can hold (past 2^53 doubles are even): a client that reads one as a JS number
 * gets other digits, as it would with WeChat's. Each emulator starts at a random point, so two
 * emulators pushing to one app do not share ids.
 */
export class MsgIdSequence {
  private next = MSG_ID_BASE + 2n * BigInt(randomInt(0, 2 ** 40));

  take(): string {
    const id = this.next;
    this.next += 2n;
    return String(id);
  }
}
