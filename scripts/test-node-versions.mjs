// Runs the Jest legs again on each Node version users run (see README, "Compatibility").
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { EXTRA_NODE_VERSIONS, nodeBinary } from './node-binaries.mjs';
import { JEST_LEGS, jestArgs } from './jest-legs.mjs';

const failed = [];
for (const version of EXTRA_NODE_VERSIONS) {
  const node = nodeBinary(version);
  for (const leg of JEST_LEGS) {
    console.log(`\n=== ${leg.name} on Node ${version} ===`);
    const run = spawnSync(node, jestArgs(leg.config), {
      stdio: 'inherit',
      // Its own bin folder first, so that anything a test starts runs on the same Node.
      env: {
        ...process.env,
        PATH: `${dirname(node)}:${process.env.PATH}`,
        NODE_OPTIONS: '--experimental-vm-modules',
      },
    });
    if (run.status !== 0) failed.push(`${leg.name} on Node ${version}`);
  }
}
const runs = EXTRA_NODE_VERSIONS.length * JEST_LEGS.length;
if (failed.length > 0) console.error(`\nFailed: ${failed.join('; ')}`);
console.log(`node versions: ${runs - failed.length} of ${runs} runs passed`);
process.exit(failed.length > 0 ? 1 : 0);
