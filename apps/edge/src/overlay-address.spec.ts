// Identity-derived overlay addresses, checked against values computed independently with Python's
// hashlib and ipaddress (the derivation is written out in docs/edge.md).
import { overlayAddresses, pairVni, peerLinkName } from './overlay-address';

const keyOne = Buffer.alloc(32, 1);
const keyTwo = Buffer.alloc(32, 2);

describe('overlay addresses', () => {
  it('matches the independently computed vector for key 0x01…01 in cluster "default"', () => {
    expect(overlayAddresses('default', keyOne)).toEqual({
      ipv6: 'fd8b:ebcd:f29c:0:aa4b:d9cd:88fd:3ef',
      transportIpv6: 'fd8b:ebcd:f29c:1:aa4b:d9cd:88fd:3ef',
      ipv4: '100.87.91.154',
      mac: 'ce:61:e6:33:4b:69',
    });
  });

  it('gives every identity a locally administered unicast MAC', () => {
    for (let i = 0; i < 64; i++) {
      const first = parseInt(overlayAddresses('c', Buffer.alloc(32, i)).mac.slice(0, 2), 16);
      expect(first & 0x03).toBe(0x02);
    }
  });

  it('puts two clusters on different ULA prefixes', () => {
    expect(overlayAddresses('a', keyOne).ipv6.split(':').slice(0, 3)).not.toEqual(
      overlayAddresses('b', keyOne).ipv6.split(':').slice(0, 3),
    );
  });

  it('gives both ends of a pair the same VNI (independently computed: 5670659)', () => {
    expect(pairVni(keyOne, keyTwo)).toBe(5670659);
    expect(pairVni(keyTwo, keyOne)).toBe(5670659);
  });

  it('names the VXLAN port within Linux 15 characters', () => {
    expect(peerLinkName(keyTwo)).toMatch(/^vxo[0-9a-f]{10}$/);
  });
});
