import { createHook } from 'node:async_hooks';

/**
 * Counts the Node timers alive in this process from now on, unref'd ones included (the library's
 * are unref'd, and `process.getActiveResourcesInfo()` lists only those that keep the process up).
 */
export function countTimersFromNow(): () => number {
  const alive = new Set<number>();
  createHook({
    init(asyncId, type) {
      if (type === 'Timeout') alive.add(asyncId);
    },
    destroy(asyncId) {
      alive.delete(asyncId);
    },
  }).enable();
  return () => alive.size;
}

/** Timers that keep the process up, as Node reports them. */
export function refTimeouts(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
}
