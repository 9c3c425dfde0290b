import { readdir, readFile, readlink } from 'node:fs/promises';

const ESTABLISHED = '01';

/**
 * The local ports of process `pid`'s established TCP connections to `remotePort`, as the kernel
 * lists them (`/proc`: Linux only). Ground truth, whatever the process's libraries say.
 */
export async function connectionsOf(pid: number, remotePort: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = (await readFile(`/proc/${pid}/net/${table}`, 'utf8')).trim().split('\n');
    for (const line of lines.slice(1)) {
      const [, local, remote, state, , , , , , inode] = line.trim().split(/\s+/);
      const port = (address: string) => parseInt(address.split(':').at(-1)!, 16);
      if (state === ESTABLISHED && port(remote) === remotePort && inodes.has(inode)) {
        ports.push(port(local));
      }
    }
  }
  return ports;
}
