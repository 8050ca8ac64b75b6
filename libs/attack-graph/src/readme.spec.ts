// The README's example runs as written, and its edge table names every attack with its technique.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readmeExamples, runReadmeExample } from '@omega/testkit';
import * as attackGraph from './index';
import { ATTACKS } from './attacks';

const README = join(__dirname, '..', 'README.md');

it('has two examples, and they run: paths, a cut, an incremental change; what-if, a verified cut, propagation, chokepoints', async () => {
  const blocks = readmeExamples(README);
  expect(blocks).toHaveLength(2);
  const nodeRequire = createRequire(__filename);
  for (const block of blocks) {
    await runReadmeExample(block, (name) =>
      name === '@omega/attack-graph' ? attackGraph : nodeRequire(name),
    );
  }
});

it('documents every attack edge with its ATT&CK technique and exploitability', () => {
  const rows = readFileSync(README, 'utf8')
    .split('\n')
    .filter((line) => /^\| `[A-Z_]+` \|/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()));
  expect(rows.map((r) => [r[1], r[4], Number(r[7])])).toEqual(
    Object.entries(ATTACKS).map(([name, info]) => [
      `\`${name}\``,
      info.techniqueId,
      info.exploitability,
    ]),
  );
});
