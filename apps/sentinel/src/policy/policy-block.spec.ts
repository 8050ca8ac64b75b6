// What the policy watch accepts as a block: a SourceBlock whose canonical CIDR is its key's.
import { SourceBlock } from '@omega/proto';
import { decodePolicyBlock } from './policy-block';

const encode = (cidr: string): Uint8Array =>
  SourceBlock.encode(SourceBlock.fromPartial({ cidr, reason: 'spec' })).finish();

describe('decodePolicyBlock', () => {
  it('reads a block whose CIDR is the one its key names', () => {
    expect(
      decodePolicyBlock('block.all.203.0.113.7/32', 4, encode('203.0.113.7/32')),
    ).toMatchObject({ cidr: '203.0.113.7/32', reason: 'spec' });
    expect(decodePolicyBlock('block.node-1.2001_db8__/64', 5, encode('2001:db8::/64')).cidr).toBe(
      '2001:db8::/64',
    );
  });

  it('refuses bytes that are not a SourceBlock, naming the key and revision', () => {
    expect(() =>
      decodePolicyBlock('block.all.10.0.0.1/32', 7, new Uint8Array([0xff, 0xff, 0xff])),
    ).toThrow(
      /^omega_policy block\.all\.10\.0\.0\.1\/32 \(revision 7\): not a SourceBlock \(3 bytes\): /,
    );
  });

  it("refuses a CIDR that is not an address, not canonical, or not the key's", () => {
    expect(() => decodePolicyBlock('block.all.10.0.0.1/32', 8, encode(''))).toThrow(
      'omega_policy block.all.10.0.0.1/32 (revision 8): cidr: "" is not an IPv4/IPv6 address or CIDR',
    );
    expect(() => decodePolicyBlock('block.all.10.0.0.1/32', 9, encode('10.0.0.1'))).toThrow(
      'omega_policy block.all.10.0.0.1/32 (revision 9): cidr "10.0.0.1" is not the key\'s 10.0.0.1/32',
    );
    expect(() => decodePolicyBlock('block.all.10.0.0.1/32', 10, encode('0.0.0.0/0'))).toThrow(
      'omega_policy block.all.10.0.0.1/32 (revision 10): cidr "0.0.0.0/0" is not the key\'s 10.0.0.1/32',
    );
  });

  it('refuses a key that is not a block key', () => {
    expect(() => decodePolicyBlock('detection.rules', 1, encode('10.0.0.1/32'))).toThrow(
      'omega_policy key "detection.rules" is not a block key (block.<scope>.<cidr>)',
    );
  });
});
