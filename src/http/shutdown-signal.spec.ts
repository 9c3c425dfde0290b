import { describe, expect, it } from '@jest/globals';
import { ShutdownSignal } from './shutdown-signal.js';

describe('ShutdownSignal', () => {
  it('calls each listener once on abort, not those removed, and late ones at once', () => {
    const signal = new ShutdownSignal();
    const heard: string[] = [];
    signal.onAbort(() => heard.push('a'));
    const removeB = signal.onAbort(() => heard.push('b'));
    // The same function listening twice (two calls) is heard twice.
    const shared = () => heard.push('shared');
    signal.onAbort(shared);
    signal.onAbort(shared);
    removeB();
    expect(signal.aborted).toBe(false);
    signal.abort();
    signal.abort();
    expect(signal.aborted).toBe(true);
    expect(heard).toEqual(['a', 'shared', 'shared']);
    signal.onAbort(() => heard.push('late'));
    expect(heard).toEqual(['a', 'shared', 'shared', 'late']);
  });

  it('takes 100,000 listeners in flight, added and removed', () => {
    const signal = new ShutdownSignal();
    const removals = Array.from({ length: 100_000 }, () => signal.onAbort(() => undefined));
    for (const remove of removals) remove();
    let heard = 0;
    signal.onAbort(() => (heard += 1));
    signal.abort();
    expect(heard).toBe(1);
  });
});
