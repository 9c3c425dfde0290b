import { type EmulatorClock } from './emulator-clock.js';
import { type JsonObject } from './routes/json-post.js';

/** A message the emulated WeChat accepted for delivery, as `sentMessages()` lists it. */
export interface SentMessage {
  kind: 'template' | 'custom' | 'subscribe';
  touser: string;
  /** The request body as the app sent it. */
  body: JsonObject;
  /** Template messages: the msgid answered, in decimal (it does not fit a JS number). */
  msgid?: string;
}

// Real msgids are 64-bit numbers past 2^53: clients that parse them as JS numbers lose digits.
const FIRST_MSGID = 3_147_355_467_213_930_497n;
// The docs: "for the same openid + client_msg_id only one message is sent; valid for 10 minutes".
const CLIENT_MSG_ID_WINDOW_MS = 10 * 60_000;

/** Messages accepted so far, and the msgids and client_msg_id deduplication of template sends. */
export class SentMessages {
  private readonly log: SentMessage[] = [];
  private readonly recent = new Map<string, { msgid: string; at: number }>();
  private nextMsgid = FIRST_MSGID;

  constructor(private readonly clock: EmulatorClock) {}

  /**
   * Sends a template message and answers its msgid; a repeat of the same touser and
   * client_msg_id inside 10 minutes answers the first msgid and sends nothing.
   */
  sendTemplate(touser: string, body: JsonObject): string {
    const clientMsgId = typeof body.client_msg_id === 'string' ? body.client_msg_id : '';
    const key = `${touser}\n${clientMsgId}`;
    const now = this.clock.now();
    this.forgetOld(now);
    const earlier = clientMsgId ? this.recent.get(key) : undefined;
    if (earlier) return earlier.msgid;
    const msgid = String(this.nextMsgid++);
    if (clientMsgId) this.recent.set(key, { msgid, at: now });
    this.log.push({ kind: 'template', touser, body, msgid });
    return msgid;
  }

  record(kind: 'custom' | 'subscribe', touser: string, body: JsonObject): void {
    this.log.push({ kind, touser, body });
  }

  /** Everything accepted, oldest first. */
  all(): SentMessage[] {
    return this.log.map((message) => ({ ...message }));
  }

  // Entries are inserted in time order, so the expired ones are at the front.
  private forgetOld(now: number): void {
    for (const [key, { at }] of this.recent) {
      if (now - at < CLIENT_MSG_ID_WINDOW_MS) return;
      this.recent.delete(key);
    }
  }
}
