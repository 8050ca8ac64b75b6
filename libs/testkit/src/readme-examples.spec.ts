// The README runner: finds ```ts blocks, runs one with its imports resolved, and surfaces failures.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readmeExamples, runReadmeExample } from './readme-examples';

describe('readmeExamples / runReadmeExample', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-readme-'));
  const readme = join(dir, 'README.md');
  writeFileSync(
    readme,
    [
      '# x',
      '```sh',
      'echo not typescript',
      '```',
      '```ts',
      "import { twice } from 'math';",
      'const n: number = twice(await Promise.resolve(21));',
      'record(n);',
      '```',
      '',
    ].join('\n'),
  );

  it('returns only the ts blocks and runs one, awaiting its top-level await', async () => {
    const blocks = readmeExamples(readme);
    expect(blocks).toHaveLength(1);
    const seen: number[] = [];
    (globalThis as { record?: (n: number) => void }).record = (n) => seen.push(n);
    await runReadmeExample(blocks[0]!, (name) => {
      if (name !== 'math') throw new Error(`unexpected import ${name}`);
      return { twice: (x: number) => x * 2 };
    });
    expect(seen).toEqual([42]);
  });

  it('rejects when the example throws', async () => {
    await expect(
      runReadmeExample("throw new Error('README is stale');", () => ({})),
    ).rejects.toThrow('README is stale');
  });
});
