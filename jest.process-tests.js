// The tests that start processes of their own (app workers, Redis servers, Redis Cluster and
// Sentinel sets, Chromium) and keep real time, waiting on conditions. They are a Jest leg of
// their own (jest.processes.config.js), so the in-process suite stays quick.
const PATHS = [
  'test/cluster/',
  'test/redis-topology/',
  'test/browser/',
  'test/accounts/cluster-accounts',
  'test/store/resilient-credential-store.',
  'test/health/wechat-health.',
];

/** Path patterns (regular expressions, as Jest takes them) that match those tests' files. */
export const PROCESS_TESTS = PATHS.map(
  (path) => `<rootDir>/${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
);
