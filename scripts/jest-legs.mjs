// The Jest runs that make up the test suite: the in-process suite; the tests that start
// processes of their own (app workers, Redis servers, Chromium), which wait on them; and the
// push-cluster tests, which run on their own so that their waits on WeChat's real 5 s tries
// overlap (see README, "Development").
export const JEST_LEGS = [
  { name: 'the Jest suite', config: 'jest.config.js' },
  { name: 'the process tests', config: 'jest.processes.config.js' },
  { name: 'the push-cluster tests', config: 'jest.push-cluster.config.js' },
];

/** Arguments for node: Jest's own entry point with `config` (and any `extra` arguments). */
export function jestArgs(config, extra = []) {
  return ['node_modules/jest/bin/jest.js', '--config', config, ...extra];
}
