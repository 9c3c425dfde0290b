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
  // Four workers on a 2-CPU machine: the push-cluster tests spend about 77 s waiting on WeChat's
  // real 5 s tries (and handlers of up to 20 s) with little CPU, so they run beside the rest
  // (51 s for the suite, against 72 s with two workers). The suite is deterministic under load
  // (npm run test:stress runs it beside a CPU hog).
  maxWorkers: 4,
};
