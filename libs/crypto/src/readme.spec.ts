// The README's example runs as written (compiled by SWC, imports bound to this lib's sources).
import * as assertStrict from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from '@swc/core';
import * as crypto from './index';

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
  it('has one TypeScript example, and it runs: sign, text round trip, verify with noble, ML-KEM', async () => {
    const blocks = codeBlocks(README);
    expect(blocks).toHaveLength(1);
    const module = { exports: {} as { done?: Promise<void> } };
    const modules: Record<string, unknown> = {
      '@omega/crypto': crypto,
      'node:assert/strict': assertStrict,
    };
    const resolve = (name: string): unknown => {
      if (!(name in modules))
        throw new Error(`README example imports ${name}: add it to this spec`);
      return modules[name];
    };
    new Function('require', 'module', 'exports', compile(blocks[0]!))(
      resolve,
      module,
      module.exports,
    );
    await module.exports.done;
  });
});
