// The README's example, run as written: its comments state what it returns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as netpol from './index';

describe('README example', () => {
  it('runs and gives the verdicts its comments state', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/
      .exec(readme)![1]!
      .replace(/import \{([^}]*)\} from '@omega\/netpol';/, 'const {$1} = netpol;');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the README's own code
    const run = new Function('netpol', `${code}\nreturn { verdict, matrix };`) as (
      lib: typeof netpol,
    ) => {
      verdict: netpol.ConnectionVerdict;
      matrix: netpol.ReachabilityMatrix;
    };
    const { verdict, matrix } = run(netpol);
    expect(verdict.allowed).toBe(true);
    expect(verdict.ingress!.reason).toBe(
      'ingress to shop/db from shop/web on TCP 5432: allowed by NetworkPolicy shop/db-from-web (ingress rule 0: pods app=web in namespace shop, TCP pg)',
    );
    expect(matrix.pods).toEqual(['shop/web', 'shop/db']);
    expect(matrix.allowed(0, 1)).toBe(true);
    expect(matrix.countAllowed()).toBe(3);
  });
});
