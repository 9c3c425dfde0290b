/**
 * `promise`, or a rejection with `timeoutError()` if it has not settled within `ms`.
 *
 * The timer alone does not decide. An event loop stalled past `ms` (CPU starvation, a long
 * garbage collection) runs its expired timers before it reads the sockets, so an answer that
 * arrived during the stall would lose to its own timeout. The rejection therefore waits one
 * turn of the loop (`setImmediate` runs after the poll phase has read what arrived).
 */
export function withinDeadline<T>(
  promise: Promise<T>,
  ms: number,
  timeoutError: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let turn: NodeJS.Immediate | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      turn = setImmediate(() => reject(timeoutError()));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
    clearImmediate(turn);
  });
}
