// The README's example runs as written (compiled by SWC, imports bound to this lib's sources).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readmeExamples, runReadmeExample } from '@omega/testkit';
import * as auditlog from './index';

describe('README', () => {
  test('has one example, and it runs: append, tiles, hybrid checkpoints, proofs, verification', async () => {
    const blocks = readmeExamples(join(__dirname, '..', 'README.md'));
    expect(blocks).toHaveLength(1);
    // Node 24 loads the ESM-only noble package through require(esm) outside jest's registry.
    const nodeRequire = createRequire(__filename);
    await runReadmeExample(blocks[0]!, (name) =>
      name === '@omega/auditlog' ? auditlog : nodeRequire(name),
    );
  });
});
