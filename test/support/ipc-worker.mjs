// The IPC side of a test worker: an app run as its own Node process (token-worker.mjs,
// accounts-worker.mjs, push-worker.mjs), which its parent drives by commands over the IPC channel.

/** Sends `message` to the parent, if there is one. */
export const send = (message) => process.send?.(message);

const forward =
  (level) =>
  (message, ...context) =>
    send({ type: 'log', level, message: String(message), context: context.map(String) });

/** A Nest logger that forwards log, warn and error lines to the parent (which records them). */
export const ipcLogger = {
  log: forward('log'),
  error: forward('error'),
  warn: forward('warn'),
  debug: () => undefined,
  verbose: () => undefined,
};

/** An error as one line: its name and message. */
export const describeError = (error) => `${error?.name}: ${error?.message}`;

/**
 * Answers each `{ id, command, args }` the parent sends with `{ type: 'reply', id, ok, ... }`:
 * the command's result spread in, or the error it threw as `error`.
 */
export function serveCommands(commands) {
  process.on('message', async ({ id, command, args }) => {
    try {
      send({ type: 'reply', id, ok: true, ...(await commands[command](args ?? {})) });
    } catch (error) {
      send({ type: 'reply', id, ok: false, error: describeError(error) });
    }
  });
}
