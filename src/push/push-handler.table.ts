import { type PushFilter, type PushSubscription } from './push-handler.decorators.js';
import { type WeChatPush } from './push-message.types.js';

/** A discovered handler: its name (`Class.method`), what it subscribes to, how to run it. */
export interface PushHandler {
  name: string;
  subscription: PushSubscription;
  /** `account`: the `WeChatAccount` the push came to, the second argument of the method. */
  invoke(push: WeChatPush, account: unknown): Promise<unknown>;
}

/** A handler set that cannot work as declared; names the handlers, found at start-up. */
export class PushHandlerError extends Error {
  override readonly name = 'PushHandlerError';
}

// wechat-push.md section 6.
const MESSAGE_TYPES = ['text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link'];
const EVENT_TYPES = [
  'subscribe',
  'unsubscribe',
  'SCAN',
  'LOCATION',
  'CLICK',
  'VIEW',
  'view_miniprogram',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
  'TEMPLATESENDJOBFINISH',
  'MASSSENDJOBFINISH',
  'PUBLISHJOBFINISH',
  'subscribe_msg_popup_event',
  'subscribe_msg_change_event',
  'subscribe_msg_sent_event',
];
// Characters with a meaning in a RegExp source; a prefix of anything else is literal text.
const REGEXP_SYNTAX = /[\\^$.|?*+()[\]{}]/;

interface Bucket {
  exact: Map<string, PushHandler>;
  patterns: { pattern: RegExp; handler: PushHandler }[];
  unfiltered?: PushHandler;
}

/**
 * Which handler answers a push. For a message of `MsgType` T (an event of `Event` T): a handler
 * of T whose string filter equals the subject, then one of T whose RegExp matches it (in the order
 * they were found), then the handler of T without a filter, then the kind's fallback (no type).
 * The subject is a text message's trimmed `Content`, or an event's `scene`, else its `EventKey`.
 */
export class PushHandlerTable {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * Throws `PushHandlerError` for a handler that can never be chosen or a pair that the order
   * cannot decide; `warn` hears of RegExp pairs that may match the same subject.
   */
  constructor(handlers: PushHandler[], warn: (message: string) => void) {
    for (const handler of handlers) this.add(handler, warn);
  }

  get size(): number {
    let count = 0;
    for (const bucket of this.buckets.values()) {
      count += bucket.exact.size + bucket.patterns.length + (bucket.unfiltered ? 1 : 0);
    }
    return count;
  }

  /** The handler that answers `push`, or undefined when none subscribes to it. */
  find(push: WeChatPush): PushHandler | undefined {
    const kind = push.MsgType === 'event' ? 'event' : 'message';
    const type = kind === 'event' ? (push as { Event?: unknown }).Event : push.MsgType;
    const typed = typeof type === 'string' ? this.buckets.get(`${kind}:${type}`) : undefined;
    if (typed) {
      const subject = subjectOf(push, kind);
      if (subject !== undefined) {
        const exact = typed.exact.get(subject);
        if (exact) return exact;
        for (const { pattern, handler } of typed.patterns) {
          pattern.lastIndex = 0;
          if (pattern.test(subject)) return handler;
        }
      }
      if (typed.unfiltered) return typed.unfiltered;
    }
    return this.buckets.get(`${kind}:*`)?.unfiltered;
  }

  private add(handler: PushHandler, warn: (message: string) => void): void {
    const { kind, type, filter } = handler.subscription;
    const where = `${handler.name} (@${kind === 'event' ? 'OnWeChatEvent' : 'OnWeChatMessage'})`;
    if (type !== undefined) checkType(where, kind, type);
    if (filter !== undefined) checkFilter(where, kind, type, filter);
    const key = `${kind}:${type ?? '*'}`;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { exact: new Map(), patterns: [] }));
    const label = type === undefined ? `every ${kind}` : `${kind} ${JSON.stringify(type)}`;

    if (filter === undefined) {
      if (bucket.unfiltered) {
        throw new PushHandlerError(
          `${where} and ${bucket.unfiltered.name} both answer ${label} without a filter: only one can; give one a filter or remove it`,
        );
      }
      bucket.unfiltered = handler;
    } else if (typeof filter === 'string') {
      const subject = kind === 'message' ? filter.trim() : filter;
      const rival = bucket.exact.get(subject);
      if (rival) {
        throw new PushHandlerError(
          `${where} and ${rival.name} both answer ${label} with the filter ${JSON.stringify(filter)}: only one can`,
        );
      }
      bucket.exact.set(subject, handler);
    } else {
      for (const other of bucket.patterns) {
        if (other.pattern.source === filter.source && other.pattern.flags === filter.flags) {
          throw new PushHandlerError(
            `${where} and ${other.handler.name} both answer ${label} with the filter ${String(filter)}: only one can`,
          );
        }
        if (!provablyDisjoint(other.pattern, filter)) {
          warn(
            `${other.handler.name} (${String(other.pattern)}) and ${handler.name} (${String(filter)}) may both match one ${label}; the first, ${other.handler.name}, answers it then`,
          );
        }
      }
      bucket.patterns.push({ pattern: filter, handler });
    }
  }
}

function subjectOf(push: WeChatPush, kind: 'message' | 'event'): string | undefined {
  const fields = push as unknown as Record<string, unknown>;
  if (kind === 'message') {
    return typeof fields.Content === 'string' ? fields.Content.trim() : undefined;
  }
  if (typeof fields.scene === 'string') return fields.scene;
  return typeof fields.EventKey === 'string' ? fields.EventKey : undefined;
}

function checkType(where: string, kind: 'message' | 'event', type: unknown): void {
  if (typeof type !== 'string' || type === '') {
    throw new PushHandlerError(`${where}: the ${kind} type must be a non-empty string`);
  }
  if (kind === 'message' && type === 'event') {
    throw new PushHandlerError(`${where}: events are handled with @OnWeChatEvent()`);
  }
  const known = kind === 'message' ? MESSAGE_TYPES : EVENT_TYPES;
  if (known.includes(type)) return;
  // WeChat's own names mix cases ('subscribe', 'SCAN'); a near miss is a mistake, not a new type.
  const sameLetters = known.find((name) => name.toLowerCase() === type.toLowerCase());
  if (sameLetters) {
    throw new PushHandlerError(
      `${where}: WeChat spells the ${kind} type ${JSON.stringify(sameLetters)}, not ${JSON.stringify(type)}`,
    );
  }
}

function checkFilter(
  where: string,
  kind: 'message' | 'event',
  type: string | undefined,
  filter: PushFilter,
): void {
  if (kind === 'message' && type !== 'text') {
    throw new PushHandlerError(
      `${where}: a message filter matches text content, so it needs the type 'text'`,
    );
  }
  if (kind === 'event' && type === undefined) {
    throw new PushHandlerError(`${where}: an event filter needs an event type`);
  }
  if (typeof filter === 'string') {
    if ((kind === 'message' ? filter.trim() : filter) === '') {
      throw new PushHandlerError(`${where}: a string filter must not be empty`);
    }
    return;
  }
  if (!(filter instanceof RegExp)) {
    throw new PushHandlerError(`${where}: a filter is a string or a RegExp`);
  }
  if (filter.global || filter.sticky) {
    throw new PushHandlerError(
      `${where}: the filter ${String(filter)} has the g or y flag, which makes test() depend on the last match; drop it`,
    );
  }
}

// Two patterns anchored at the start with literal prefixes where neither prefix begins the
// other can never match one subject. Anything else may overlap, as far as this can tell.
function provablyDisjoint(a: RegExp, b: RegExp): boolean {
  const foldCase = a.ignoreCase || b.ignoreCase;
  const prefixA = literalPrefix(a, foldCase);
  const prefixB = literalPrefix(b, foldCase);
  if (!prefixA || !prefixB) return false;
  return !prefixA.startsWith(prefixB) && !prefixB.startsWith(prefixA);
}

function literalPrefix(pattern: RegExp, foldCase: boolean): string {
  const source = pattern.source;
  // An alternation can undo the anchor (`^a|b`); a multiline `^` anchors every line.
  if (!source.startsWith('^') || source.includes('|') || pattern.multiline) return '';
  const rest = source.slice(1);
  const end = rest.search(REGEXP_SYNTAX);
  let prefix = end === -1 ? rest : rest.slice(0, end);
  // A quantifier after the last literal character makes that character optional.
  if (end !== -1 && '?*{'.includes(rest[end])) prefix = prefix.slice(0, -1);
  return foldCase ? prefix.toLowerCase() : prefix;
}
