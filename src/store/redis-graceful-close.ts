import { delay } from './redis-delay.js';

const CLOSE_GRACE_MS = 1000;

/**
 * Closes `connection`, waiting for the replies still due; one that never comes (a frozen Redis)
 * would hold shutdown for ever, so after a grace period the connection is dropped instead.
 */
export async function closeGracefully(connection: {
  close(): Promise<unknown>;
  destroy(): unknown;
}): Promise<void> {
  const closed = connection.close().then(
    () => true,
    () => false,
  );
  if (await Promise.race([closed, delay(CLOSE_GRACE_MS).then(() => false)])) return;
  try {
    // Sentinel's destroy() settles only once its own rediscovery stops: not waited for.
    void Promise.resolve(connection.destroy()).catch(() => undefined);
  } catch {
    // Never connected, or already gone.
  }
}
