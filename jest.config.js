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
  // The consumer apps run in their own installs (npm run test:consumers); the push-cluster tests
  // are a leg of their own (jest.push-cluster.config.js).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/consumers/',
    '<rootDir>/test/push-cluster/',
  ],
  testTimeout: 30000,
  // Two workers on a 2-CPU machine: the suite is CPU-bound (about 145 s of file time, 70-75 s of
  // wall time); three or four workers gain little (69 s, 73 s) and double each file's time.
  maxWorkers: 2,
};
