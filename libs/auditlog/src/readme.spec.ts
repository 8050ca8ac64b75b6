// The README's example runs as written (compiled by SWC, imports bound to this lib's sources).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { transformSync } from '@swc/core';
import * as auditlog from './index';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

/** The ```ts blocks of the README, in order. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** Compiles a snippet with top-level await into a CommonJS module exporting its completion. */
function compile(snippet: string): string {
  const imports = snippet.match(/^import [\s\S]*?from '[^']+';$/gm) ?? [];
  let body = snippet;
  for (const statement of imports) body = body.replace(statement, '');
  const source = `${imports.join('\n')}\nexport const done = (async () => {\n${body}\n})();\n`;
  return transformSync(source, {
    filename: 'README.ts',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
  }).code;
}

describe('README', () => {
  test('has one example, and it runs: append, tiles, hybrid checkpoints, proofs, verification', async () => {
    const blocks = codeBlocks(README);
    expect(blocks).toHaveLength(1);
    const module = { exports: {} as { done?: Promise<void> } };
    // Node 24 loads the ESM-only noble package through require(esm) outside jest's registry.
    const nodeRequire = createRequire(__filename);
    const resolve = (name: string): unknown =>
      name === '@omega/auditlog' ? auditlog : nodeRequire(name);
    new Function('require', 'module', 'exports', compile(blocks[0]!))(
      resolve,
      module,
      module.exports,
    );
    await module.exports.done;
  });
});
