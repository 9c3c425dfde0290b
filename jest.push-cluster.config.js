// The push-cluster tests (test/push-cluster/): each starts app processes, a Redis of its own and
// the emulator, then waits on WeChat's real 5 s tries (20 to 30 s a file, nearly all of it idle).
// They run as a leg of their own, all files at once, so that their waiting overlaps.
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/push-cluster'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 3,
};
