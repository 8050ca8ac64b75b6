const preset = require('../../jest.preset.cjs')(__dirname);

// wasmoon's Emscripten loader calls `import('module')`, which jest's VM only serves with
// --experimental-vm-modules: its file goes through SWC, which turns the import into a require.
module.exports = {
  ...preset,
  transform: {
    ...preset.transform,
    'node_modules/wasmoon/.+\\.js$': [
      require.resolve('@swc/jest'),
      { jsc: { target: 'es2023' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!wasmoon/)'],
};
