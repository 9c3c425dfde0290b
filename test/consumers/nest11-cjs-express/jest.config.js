// The README's Jest set-up for a CommonJS app: tests still run as ES modules, because Jest's own
// module loader cannot require() an ES module (Nest 12 and nestjs-wechat are ES modules).
module.exports = {
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
          isolatedModules: true,
          rootDir: '.',
        },
      },
    ],
  },
  testRegex: '.*\\.e2e-spec\\.ts$',
};
