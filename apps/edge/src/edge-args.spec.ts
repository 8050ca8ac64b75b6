import { parseArgs } from 'node:util';
import { identityArgs } from './edge-args';

// A public identity whose base64url text starts with '-' (as about 1 in 64 random keys do).
const DASHED =
  '-Zk3q9m0Yb1xL2nW8vT4sR6pQ5oN7jH0gF3dC9aB1eI.4dEiMvqRkQHq8tS0n2cGxX1zWm5yV7uJ6pLoKbAiNfE';

describe('omega-edge arguments', () => {
  it('reads a --peer identity starting with a dash as its value, which parseArgs alone refuses', () => {
    const options = { peer: { type: 'string' }, endpoint: { type: 'string' } } as const;
    const argv = ['--peer', DASHED, '--endpoint', '10.0.0.2:51820'];
    expect(() => parseArgs({ args: argv, options, strict: true })).toThrow(/ambiguous/);
    const { values } = parseArgs({ args: identityArgs(argv), options, strict: true });
    expect(values).toEqual({ peer: DASHED, endpoint: '10.0.0.2:51820' });
  });

  it('does the same for --nucleus-key and leaves every other word as it was', () => {
    expect(identityArgs(['--nucleus-key', '-abc', '--cluster', 'lab', '--peer'])).toEqual([
      '--nucleus-key=-abc',
      '--cluster',
      'lab',
      '--peer',
    ]);
  });
});
