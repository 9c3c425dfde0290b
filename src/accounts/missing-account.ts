// Names Nest (and promise checks) look up on every provider: they must read as absent.
const PROBED = /^(then|constructor|on[A-Z]\w*|beforeApplicationShutdown|toJSON)$/;

/**
 * Stands in for an injected account (or part of one) the module does not have: any use fails
 * with `explanation` instead of a TypeError on `undefined`.
 */
export function missingAccount<T extends object>(explanation: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      if (typeof property === 'symbol' || PROBED.test(property)) return undefined;
      // What every object has (Nest's explorers walk them): as on a plain object.
      if (property in Object.prototype) return Reflect.get(Object.prototype, property);
      throw new Error(explanation);
    },
  });
}

/** What `TokenService`, `UserClient`, … are in a module with only an `accountSource`. */
export function missingDefaultAccount<T extends object>(what: string): T {
  return missingAccount<T>(
    `${what} belongs to the default account, and WeChatModule has none (no accounts listed, only an accountSource): use WeChatAccounts.get(appIdOrName).`,
  );
}
