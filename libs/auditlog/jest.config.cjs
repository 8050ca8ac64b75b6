// The shared preset, plus: @noble/post-quantum (the specs' independent ML-DSA-65) and its @noble
// dependencies ship ES modules only, so SWC compiles them to CommonJS like our own sources.
const preset = require('../../jest.preset.cjs')(__dirname);

module.exports = {
  ...preset,
  transform: {
    ...preset.transform,
    '/node_modules/@noble/.+\\.js$': [
      require.resolve('@swc/jest'),
      { jsc: { target: 'es2023' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@noble/)'],
};
