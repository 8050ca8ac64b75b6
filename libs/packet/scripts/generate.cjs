// Regenerates the decoders compiled into @omega/packet from the specs beside it (after
// `npx tsc -b libs/packet`): node libs/packet/scripts/generate.cjs. The spec test
// (generated-decoder.spec.ts) checks that the committed files equal a fresh compile.
const { readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const prettier = require('prettier');
const { compileTypeScript, parseSpec } = require('../dist');

const root = path.join(__dirname, '..');

async function main() {
  for (const name of ['itch50']) {
    const spec = parseSpec(
      readFileSync(path.join(root, 'specs', `${name}.yaml`), 'utf8'),
      `${name}.yaml`,
    );
    const target = path.join(root, 'src', 'generated', `${name}.ts`);
    const source = compileTypeScript(spec, {
      readersImport: '../field-readers',
      specFile: `specs/${name}.yaml`,
    });
    const options = await prettier.resolveConfig(target);
    writeFileSync(target, await prettier.format(source, { ...options, filepath: target }));
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
