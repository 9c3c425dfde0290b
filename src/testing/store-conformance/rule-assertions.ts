import { CredentialStoreRuleBroken } from './rule-broken.error.js';

// Bounds, never expectations: a check waits at most this long for something that must happen.
const SETTLE_BOUND_MS = 5000;
const POLL_MS = 10;

/** The few assertions the checks need, phrased for the person whose store broke a rule. */
export class RuleAssertions {
  constructor(private readonly rule: string) {}

  fail(detail: string): never {
    throw new CredentialStoreRuleBroken(this.rule, detail);
  }

  equal<T>(actual: T, expected: T, what: string): void {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      this.fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
    }
  }

  defined<T>(value: T | undefined, what: string): T {
    return value === undefined ? this.fail(`${what} gave undefined`) : value;
  }

  /** Awaits `promise`, which must settle within the bound and never reject. */
  async settles<T>(promise: Promise<T>, what: string, boundMs = SETTLE_BOUND_MS): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), boundMs);
    });
    try {
      const result = await Promise.race([promise, late]);
      if (result === LATE) this.fail(`${what} did not happen within ${boundMs} ms`);
      return result as T;
    } catch (error) {
      if (error instanceof CredentialStoreRuleBroken) throw error;
      return this.fail(`${what} rejected: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Re-checks `condition` until it holds; fails if it does not within the bound. */
  async eventually(
    condition: () => Promise<boolean>,
    what: string,
    boundMs = SETTLE_BOUND_MS,
  ): Promise<void> {
    const deadline = Date.now() + boundMs;
    while (!(await condition())) {
      if (Date.now() >= deadline) this.fail(`${what} did not happen within ${boundMs} ms`);
      await pause(POLL_MS);
    }
  }
}

/** Lets real time pass (for a TTL to run out); never used to judge speed. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const LATE = Symbol('late');

function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}
