/** Resolves after `ms` of real time (a network wait), without holding the process open. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
