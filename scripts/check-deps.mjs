// Fails when a workspace package imports a package its package.json does not declare, so a package
// installs and builds on its own. Sources need `dependencies`; specs and test helpers (which never
// ship in dist) may also use `devDependencies`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtins = new Set(builtinModules);

// Static imports and re-exports (also `import type`) at the start of a line, bare `import 'x'`,
// import() and require().
const IMPORT =
  /^\s*(?:import|export)\b[^;()=]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** A spec, a spec helper or a fixture: code that never ships in dist. */
function isTestFile(path) {
  return (
    /\.(spec|fixtures)\.ts$/.test(path) ||
    path.split('/').includes('testing') ||
    path.split('/').includes('test-support') ||
    /(^|\/)spec-[^/]*\.ts$/.test(path)
  );
}

function tsFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** 'x/y' → 'x', '@s/x/y' → '@s/x'; undefined for relative paths and Node built-ins. */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0])) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const problems = [];
for (const group of ['libs', 'apps']) {
  for (const name of readdirSync(join(root, group)).sort()) {
    const dir = join(root, group, name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
    const devDependencies = new Set(Object.keys(manifest.devDependencies ?? {}));
    for (const file of [...tsFiles(join(dir, 'src')), ...tsFiles(join(dir, 'test-support'))]) {
      const test = isTestFile(relative(dir, file));
      for (const match of stripComments(readFileSync(file, 'utf8')).matchAll(IMPORT)) {
        const imported = packageOf(match[1] ?? match[2] ?? match[3]);
        if (imported === undefined || imported === manifest.name) continue;
        if (dependencies.has(imported)) continue;
        if (test && devDependencies.has(imported)) continue;
        problems.push(
          `${manifest.name} (${relative(root, file)}): imports '${imported}', which ${relative(root, manifestPath)} does not declare in ${test ? 'dependencies or devDependencies' : 'dependencies'}`,
        );
      }
    }
  }
}

const unique = [...new Set(problems)];
if (unique.length > 0) {
  process.stderr.write(
    `check-deps: ${unique.length} undeclared import(s):\n${unique.join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write('check-deps: every workspace package declares what it imports\n');
