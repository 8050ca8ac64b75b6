// omega_policy block keys: the spelling the orchestrator and the sentinels share, both ways.
import { Code, OmegaError } from '@omega/runtime';
import {
  parsePolicyBlockKey,
  POLICY_ALL_NODES,
  policyBlockFilter,
  policyBlockKey,
} from './policy-keys';

describe('omega_policy block keys', () => {
  it('spells a block as block.<scope>.<cidr>, with the IPv6 colons as underscores', () => {
    expect(policyBlockKey(POLICY_ALL_NODES, '10.0.3.7/32')).toBe('block.all.10.0.3.7/32');
    expect(policyBlockKey('node-1', '2001:db8::1/128')).toBe('block.node-1.2001_db8__1/128');
  });

  it('watches one scope with block.<scope>.>', () => {
    expect(policyBlockFilter(POLICY_ALL_NODES)).toBe('block.all.>');
    expect(policyBlockFilter('node-1')).toBe('block.node-1.>');
  });

  it.each([
    ['node-1', '203.0.113.0/24'],
    [POLICY_ALL_NODES, '2001:db8::/32'],
    ['worker-7', '::ffff:192.0.2.1/128'],
  ])('reads scope %s and CIDR %s back from the key', (scope, cidr) => {
    expect(parsePolicyBlockKey(policyBlockKey(scope, cidr))).toEqual({ scope, cidr });
  });

  it('refuses a scope that would add a key level or a wildcard, naming it', () => {
    expect(() => policyBlockKey('node.1', '10.0.0.1/32')).toThrow(
      /policy scope="node\.1" contains '\.' at index 4/,
    );
    expect(() => policyBlockFilter('>')).toThrow(/policy scope=">" contains '>'/);
  });

  it.each([
    'rules',
    'block.',
    'block.all',
    'block.all.',
    'block..10.0.0.1/32',
    'deny.all.10.0.0.1/32',
  ])('rejects %s as not a block key', (key) => {
    let error: unknown;
    try {
      parsePolicyBlockKey(key);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OmegaError);
    expect((error as OmegaError).code).toBe(Code.InvalidArgument);
    expect((error as OmegaError).message).toContain(JSON.stringify(key));
  });
});
