// Runs the DetectorSet example from libs/detect/README.md, so the README cannot drift from the API.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as detect from '../index';

describe('README example', () => {
  it('reports the host scan the README says it does', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const snippet = readme
      .split('```ts')
      .find((block) => block.includes('new DetectorSet'))!
      .split('```')[0]!;
    const body =
      snippet.replace(/^import .*$/m, '').replace(/\/\/ findings\[0\].*$/m, '') +
      '\nreturn findings;';
    const run = new Function('DetectorSet', 'flowEvent', body) as (
      ...args: unknown[]
    ) => detect.DetectorFinding[];
    const findings = run(detect.DetectorSet, detect.flowEvent);
    expect(findings[0]!.kind).toBe('trw-host-scan');
    expect(findings[0]!.entityKey).toBe('pod:shop/cart-1');
  });
});
