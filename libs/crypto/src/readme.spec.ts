// The README's example runs as written (compiled by SWC, imports bound to this lib's sources).
import * as assertStrict from 'node:assert/strict';
import { join } from 'node:path';
import { readmeExamples, runReadmeExample } from '@omega/testkit';
import * as crypto from './index';

describe('README', () => {
  it('has one TypeScript example, and it runs: sign, text round trip, verify with noble, ML-KEM', async () => {
    const blocks = readmeExamples(join(__dirname, '..', 'README.md'));
    expect(blocks).toHaveLength(1);
    const modules: Record<string, unknown> = {
      '@omega/crypto': crypto,
      'node:assert/strict': assertStrict,
    };
    const resolve = (name: string): unknown => {
      if (!(name in modules))
        throw new Error(`README example imports ${name}: add it to this spec`);
      return modules[name];
    };
    await runReadmeExample(blocks[0]!, resolve);
  });
});
