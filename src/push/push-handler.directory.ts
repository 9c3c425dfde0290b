import { type PushHandler, PushHandlerTable } from './push-handler.table.js';
import { type WeChatPush } from './push-message.types.js';

/** Which handler answers a push to one account. */
export interface PushHandlerLookup {
  find(push: WeChatPush): PushHandler | undefined;
}

const NONE: PushHandlerLookup = { find: () => undefined };

/**
 * The handlers found at start-up, by account: a handler for named accounts answers their pushes
 * before any handler for every account. Accounts without handlers of their own share one table.
 */
export class PushHandlerDirectory {
  private readonly general: PushHandlerTable;
  private readonly specific: PushHandler[];
  private readonly tables = new Map<string, PushHandlerLookup>();

  /** Throws `PushHandlerError` for handlers that cannot work as declared (see the table). */
  constructor(
    handlers: PushHandler[],
    private readonly warn: (message: string) => void,
  ) {
    this.general = new PushHandlerTable(
      handlers.filter((h) => !h.subscription.accounts),
      warn,
    );
    this.specific = handlers.filter((h) => h.subscription.accounts);
    // Every account named gets its table now, so a conflict stops the app at start-up.
    for (const name of new Set(this.specific.flatMap((h) => h.subscription.accounts!))) {
      this.lookupOf([name]);
    }
  }

  /** The directory of an app without handlers. */
  static empty(): PushHandlerDirectory {
    return new PushHandlerDirectory([], () => undefined);
  }

  /** The accounts (names or appIds) that handlers of their own are meant for. */
  get accountNames(): string[] {
    return [...new Set(this.specific.flatMap((h) => h.subscription.accounts!))];
  }

  /** The handlers of the account called `name` with `appId`. */
  lookup(account: { name: string; appId: string }): PushHandlerLookup {
    return this.lookupOf([...new Set([account.name, account.appId])]);
  }

  private lookupOf(keys: string[]): PushHandlerLookup {
    const own = this.specific.filter((h) =>
      h.subscription.accounts!.some((key) => keys.includes(key)),
    );
    if (own.length === 0) return this.general.size > 0 ? this.general : NONE;
    const cacheKey = own.map((h) => this.specific.indexOf(h)).join(',');
    let lookup = this.tables.get(cacheKey);
    if (!lookup) {
      const table = new PushHandlerTable(own, this.warn);
      const general = this.general;
      lookup = { find: (push) => table.find(push) ?? general.find(push) };
      this.tables.set(cacheKey, lookup);
    }
    return lookup;
  }
}
