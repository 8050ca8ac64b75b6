// `npm run test:conformance`: the *.conformance.spec.ts files, which check Omega against outside data
// that carries no licence and so is not in the repository (../shared/vectors, or OMEGA_VECTORS_DIR).
const { existsSync, readdirSync } = require('node:fs');
const path = require('node:path');
const preset = require('./jest.preset.cjs');

// Set here, in the process that starts the workers, so every spec reads the same directory.
process.env.OMEGA_VECTORS_DIR = path.resolve(
  process.env.OMEGA_VECTORS_DIR ?? path.join(__dirname, '..', 'shared', 'vectors'),
);

const projects = ['apps', 'libs'].flatMap((group) =>
  readdirSync(path.join(__dirname, group))
    .map((name) => path.join(__dirname, group, name))
    .filter((dir) => existsSync(path.join(dir, 'jest.config.cjs')))
    .map((dir) => ({
      ...preset(dir),
      testMatch: ['<rootDir>/src/**/*.conformance.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
    })),
);

module.exports = {
  testTimeout: 60000,
  globalSetup: '<rootDir>/scripts/conformance-vectors.cjs',
  projects,
};
