// canonicalCidr: one spelling per block, checked against node:net's BlockList as a second opinion.
import { BlockList } from 'node:net';
import { canonicalCidr } from './cidr';

describe('canonicalCidr', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7/32'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['fd00::1', 'fd00::1/128'],
    ['FD00:0:0:0:0:0:0:1/64', 'fd00::/64'],
    ['2001:db8::ff00:42:8329/100', '2001:db8::ff00:0:0/100'],
    ['::ffff:10.0.0.1', '::ffff:a00:1/128'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalCidr(input, 'test').cidr).toBe(expected);
  });

  it('covers the same addresses as the input, as BlockList sees it', () => {
    for (const [input, probe, inside] of [
      ['10.1.2.3/8', '10.255.0.1', true],
      ['10.1.2.3/8', '11.0.0.1', false],
      ['2001:db8::ff00:42:8329/100', '2001:db8::ff00:0:1', true],
    ] as const) {
      const { cidr, family } = canonicalCidr(input, 'test');
      const [net, prefix] = cidr.split('/');
      const list = new BlockList();
      list.addSubnet(net!, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
      expect(list.check(probe, family === 4 ? 'ipv4' : 'ipv6')).toBe(inside);
    }
  });

  it('names what is wrong and where', () => {
    expect(() => canonicalCidr('10.0.0.0/33', 'BlockSourceRequest.cidr')).toThrow(
      'BlockSourceRequest.cidr: "10.0.0.0/33" has prefix length "33", expected 0..32',
    );
    expect(() => canonicalCidr('example.com', 'BlockSourceRequest.cidr')).toThrow(
      'BlockSourceRequest.cidr: "example.com" is not an IPv4/IPv6 address or CIDR',
    );
  });
});
