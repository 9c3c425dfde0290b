// Runs the whole Jest suite again on each Node version users run (see README, "Compatibility").
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { EXTRA_NODE_VERSIONS, nodeBinary } from './node-binaries.mjs';

const failed = [];
for (const version of EXTRA_NODE_VERSIONS) {
  const node = nodeBinary(version);
  console.log(`\n=== the test suite on Node ${version} ===`);
  const run = spawnSync(node, ['node_modules/jest/bin/jest.js'], {
    stdio: 'inherit',
    // Its own bin folder first, so that anything a test starts runs on the same Node.
    env: {
      ...process.env,
      PATH: `${dirname(node)}:${process.env.PATH}`,
      NODE_OPTIONS: '--experimental-vm-modules',
    },
  });
  if (run.status !== 0) failed.push(version);
}
const passed = EXTRA_NODE_VERSIONS.length - failed.length;
if (failed.length > 0) console.error(`\nThe test suite failed on Node ${failed.join(', ')}`);
console.log(`node versions: ${passed} passed, ${failed.length} failed`);
process.exit(failed.length > 0 ? 1 : 0);
