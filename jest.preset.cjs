// Shared jest settings: TypeScript through SWC (no type-check here; `npm run typecheck` does that),
// and the @omega/source export condition so tests run against library sources without a build.
const path = require('node:path');

/** @param {string} projectDir */
module.exports = (projectDir) => ({
  displayName: path.basename(projectDir),
  rootDir: projectDir,
  testEnvironment: 'node',
  testEnvironmentOptions: {
    customExportConditions: ['@omega/source', 'node', 'require', 'default'],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // Conformance specs read data kept outside the repository: `npm run test:conformance` runs them.
  testPathIgnorePatterns: ['/node_modules/', '\\.conformance\\.spec\\.ts$'],
  transform: {
    '^.+\\.ts$': [
      require.resolve('@swc/jest'),
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
});
