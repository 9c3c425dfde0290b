import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A compiled bench server (`*.server.js` beside this file) in its own process. */
export async function startChildServer<T>(
  name: string,
): Promise<{ info: T; stop(): Promise<void> }> {
  const script = fileURLToPath(new URL(`./${name}.server.js`, import.meta.url));
  const child: ChildProcess = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const info = await new Promise<T>((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`${name} server exited with ${code}`)));
  });
  return {
    info,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}
