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
  // Two workers: 46 s instead of 60 s on a 2-CPU machine; more only adds contention there. The
  // suite is deterministic under load (npm run test:stress runs it beside a CPU hog).
  maxWorkers: 2,
};
