// Runs a TypeScript entry point in a plain Node process without a build (started with
// --conditions=@omega/source, so workspace packages resolve to their src/): each .ts module is
// compiled with SWC as it is required, the way jest runs the specs.
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const swc = require('@swc/core');

Module._extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

require(path.resolve(process.argv[2]));
