// Jest runs in ESM mode because NestJS 12 is ESM-only (see README, "Development").
import { PROCESS_TESTS } from './jest.process-tests.js';

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        useESM: true,
        tsconfig: {
          module: 'esnext',
          moduleResolution: 'bundler',
          target: 'ES2023',
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          esModuleInterop: true,
          isolatedModules: true,
          rootDir: '.',
          types: ['jest', 'node'],
        },
      },
    ],
  },
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  // The consumer apps run in their own installs (npm run test:consumers); the push-cluster tests
  // and the tests that start processes are legs of their own (jest.push-cluster.config.js,
  // jest.processes.config.js).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/consumers/',
    '<rootDir>/test/push-cluster/',
    ...PROCESS_TESTS,
  ],
  testTimeout: 30000,
  // Three workers on a 2-CPU machine: about a fifth of the in-process suite waits (deadlines,
  // timeouts, push margins on real time), and a third worker fills it: 35-40 s against 43 s
  // with two (warm transform cache, no other load).
  maxWorkers: 3,
};
