// The tests that start processes of their own (see jest.process-tests.js): mostly idle while
// workers, Redis servers and Chromium start and while failovers settle.
import base from './jest.config.js';
import { PROCESS_TESTS } from './jest.process-tests.js';

export default {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  // Mostly idle: 32 s with three workers against 49 s with two.
  maxWorkers: 3,
  testRegex: PROCESS_TESTS.map((prefix) => `${prefix.replace('<rootDir>/', '/')}.*spec\\.ts$`),
};
