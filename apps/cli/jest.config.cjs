// commander 15 ships only ES modules: jest's module system cannot require() them as Node does,
// so the CLI's specs compile it to CommonJS like our own sources.
const preset = require('../../jest.preset.cjs')(__dirname);

module.exports = {
  ...preset,
  transform: {
    ...preset.transform,
    '/node_modules/commander/.+\\.js$': preset.transform['^.+\\.ts$'],
  },
  transformIgnorePatterns: ['/node_modules/(?!commander/)'],
};
