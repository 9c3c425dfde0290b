/** Who a line of the chat comes from: the user, the account's replies, or the client itself. */
export type ChatSpeaker = 'user' | 'app' | 'system';

/**
 * A line of a user's conversation with the account, as the chat page shows it. `kind` is the
 * message type (`text`, `image`, `news`...) for messages and replies, `action` for what the user
 * did (follow, tap, scan), `notice` for WeChat's unavailable notice and `note` for the
 * emulator's own remarks. `text` is plain text, never HTML; `detail` says more (the reason of a
 * notice).
 */
export interface ChatEntry {
  /** Increasing over the whole emulator: later entries have larger ids. */
  id: number;
  /** When it happened, on the emulator's clock (epoch ms). */
  at: number;
  from: ChatSpeaker;
  kind: string;
  text: string;
  detail?: string;
}

/** The last entries kept per user: older ones are dropped, as a phone's history scrolls away. */
export const CHAT_HISTORY_LIMIT = 200;

/** The conversations of the chat page, per user, each bounded to the last `limit` entries. */
export class ChatConversations {
  private readonly byUser = new Map<string, ChatEntry[]>();
  private nextId = 1;

  constructor(private readonly limit = CHAT_HISTORY_LIMIT) {}

  /** Adds a line to the user's conversation, dropping the oldest beyond the limit. */
  add(openid: string, line: Omit<ChatEntry, 'id'>): ChatEntry {
    const entry: ChatEntry = { id: this.nextId++, ...line };
    const entries = this.byUser.get(openid) ?? [];
    entries.push(entry);
    if (entries.length > this.limit) entries.splice(0, entries.length - this.limit);
    this.byUser.set(openid, entries);
    return entry;
  }

  /** Removes a line again (a message that could not be pushed after all). */
  discard(openid: string, id: number): void {
    const entries = this.byUser.get(openid);
    const index = entries?.findIndex((entry) => entry.id === id) ?? -1;
    if (index >= 0) entries!.splice(index, 1);
  }

  /** The user's conversation, oldest first (copies). */
  of(openid: string): ChatEntry[] {
    return (this.byUser.get(openid) ?? []).map((entry) => ({ ...entry }));
  }
}
