// The README's Jest set-up for an ESM app ("type": "module").
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
          isolatedModules: true,
          rootDir: '.',
        },
      },
    ],
  },
  testRegex: '.*\\.e2e-spec\\.ts$',
};
