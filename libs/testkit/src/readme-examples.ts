// Runs the TypeScript examples of a README as written, so the docs cannot drift from the API.
import { readFileSync } from 'node:fs';

/** The ```ts blocks of a markdown file, in order. */
export function readmeExamples(readmePath: string): string[] {
  const markdown = readFileSync(readmePath, 'utf8');
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

/**
 * Compiles one example (ES imports, top-level await) to CommonJS with SWC and runs it, resolving its
 * imports through `resolve`; resolves with the example's own result once its last await settles.
 */
export async function runReadmeExample(
  example: string,
  resolve: (specifier: string) => unknown,
): Promise<void> {
  const imports = example.match(/^import [\s\S]*?from '[^']+';$/gm) ?? [];
  let body = example;
  for (const statement of imports) body = body.replace(statement, '');
  const source = `${imports.join('\n')}\nexport const done = (async () => {\n${body}\n})();\n`;
  // Loaded on use: SWC is a test-time dependency, and this kit also serves the local runner. A
  // dynamic import() would need jest's experimental VM modules, so this stays a require.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { transformSync } = require('@swc/core') as typeof import('@swc/core');
  const { code } = transformSync(source, {
    filename: 'README.ts',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
  });
  const module = { exports: {} as { done?: Promise<void> } };
  new Function('require', 'module', 'exports', code)(resolve, module, module.exports);
  await module.exports.done;
}
