// Jest runs in ESM mode because NestJS 12 is ESM-only (see README, "Development").
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
  // The consumer apps run in their own installs (npm run test:consumers).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/'],
  testTimeout: 30000,
  // Two workers on a 2-CPU machine (72 s for the suite, of which the push-cluster tests spend
  // about 77 s of file time waiting on WeChat's real 5 s tries). Four workers took 51 s, but
  // beside a CPU hog two token tests then failed in 20 runs (contention): determinism first.
  maxWorkers: 2,
};
