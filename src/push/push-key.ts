import { type WeChatClock } from '../clock/wechat-clock.js';
import { type WeChatPush } from './push-message.types.js';

// Past this many remembered pushes the oldest finished ones are forgotten early, so a flood of
// distinct pushes cannot grow the memo without bound.
const MAX_REMEMBERED = 100_000;

/**
 * The key of a push and its retries (wechat-push.md section 5): the appId and `MsgId` for a
 * message; for an event, the appId, user, `CreateTime`, `Event` and `EventKey` (two events of one
 * user can share a second, and `MsgId`s have collided across users).
 */
export function retryKey(appId: string, push: WeChatPush): string {
  const fields = push as unknown as Record<string, unknown>;
  if (push.MsgType !== 'event' && typeof fields.MsgId === 'string' && fields.MsgId !== '') {
    return JSON.stringify([appId, 'message', fields.MsgId]);
  }
  return JSON.stringify([
    appId,
    push.MsgType,
    push.FromUserName,
    push.CreateTime,
    typeof fields.Event === 'string' ? fields.Event : '',
    typeof fields.EventKey === 'string' ? fields.EventKey : '',
  ]);
}

interface Remembered<T> {
  result: Promise<T>;
  /** When it may be forgotten; infinite while the work runs. */
  forgetAt: number;
}

/**
 * Runs the work of a push once within this process: a retry that arrives while the work runs, or
 * up to `windowMs` after it finished, gets the same result instead of running it again.
 */
export class PushRetryMemo<T> {
  private readonly entries = new Map<string, Remembered<T>>();
  // Keys in the order their work finished: the order in which they may be forgotten.
  private readonly finished: string[] = [];
  private finishedHead = 0;

  constructor(
    private readonly clock: WeChatClock,
    private readonly windowMs: number,
  ) {}

  /** The result of `work` for `key`, running it only when no try of that key ran it recently. */
  run(key: string, work: () => Promise<T>): Promise<T> {
    this.forgetExpired();
    const known = this.entries.get(key);
    if (known) return known.result;
    const entry: Remembered<T> = { result: work(), forgetAt: Infinity };
    this.entries.set(key, entry);
    const finish = (): void => {
      entry.forgetAt = this.clock.now() + this.windowMs;
      this.finished.push(key);
    };
    entry.result.then(finish, finish);
    return entry.result;
  }

  /** How many pushes are remembered (running or finished within the window). */
  get size(): number {
    return this.entries.size;
  }

  private forgetExpired(): void {
    const now = this.clock.now();
    while (this.finishedHead < this.finished.length) {
      const key = this.finished[this.finishedHead];
      const entry = this.entries.get(key);
      const overfull = this.entries.size >= MAX_REMEMBERED;
      if (entry && entry.forgetAt > now && !overfull) break;
      if (entry && entry.forgetAt !== Infinity) this.entries.delete(key);
      this.finishedHead++;
    }
    // Compact the queue now and then rather than shifting it on every removal.
    if (this.finishedHead > 1024 && this.finishedHead * 2 > this.finished.length) {
      this.finished.splice(0, this.finishedHead);
      this.finishedHead = 0;
    }
  }
}
