// RFC 9162 hashing against the reference tree published by transparency-dev/merkle.
import { EMPTY_ROOT, hashChildren, hashLeaf, rootFromLeafHashes, splitPoint } from './merkle-hash';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const unhex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

// The RFC 6962 reference tree of 8 leaves and its expected hashes, from transparency-dev/merkle
// testonly/constants.go (LeafInputs, NodeHashes, RootHashes; commit 417fb0c314750d94e53942e9f92e79b6d35915db,
// Apache-2.0), which carries them over from the RFC 6962 test data of certificate-transparency.
const REFERENCE_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
const REFERENCE_LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];
const REFERENCE_LEVEL1 = [
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
  '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
  'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
];
/** Roots of the reference tree by size, 0..8. */
const REFERENCE_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 9162 Merkle tree hashing', () => {
  test('leaf hashes of the reference inputs are SHA-256(0x00 || data)', () => {
    expect(REFERENCE_LEAVES.map((leaf) => hex(hashLeaf(leaf)))).toEqual(REFERENCE_LEAF_HASHES);
  });

  test('interior nodes are SHA-256(0x01 || left || right)', () => {
    const leaves = REFERENCE_LEAF_HASHES.map(unhex);
    const level1 = [0, 2, 4, 6].map((i) => hex(hashChildren(leaves[i]!, leaves[i + 1]!)));
    expect(level1).toEqual(REFERENCE_LEVEL1);
  });

  test('the root of every prefix of the reference tree is the published one', () => {
    const leafHashes = REFERENCE_LEAVES.map(hashLeaf);
    for (let size = 0; size <= 8; size++) {
      expect(hex(rootFromLeafHashes(leafHashes.slice(0, size)))).toBe(REFERENCE_ROOTS[size]);
    }
  });

  test('the empty tree root is the hash of the empty string', () => {
    expect(hex(EMPTY_ROOT)).toBe(REFERENCE_ROOTS[0]);
  });

  test('the split point is the largest power of two below n, also past 32 bits', () => {
    expect([2, 3, 4, 5, 8, 9, 1000].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 512]);
    expect(splitPoint(2 ** 40)).toBe(2 ** 39);
    expect(splitPoint(2 ** 40 + 1)).toBe(2 ** 40);
    expect(splitPoint(Number.MAX_SAFE_INTEGER)).toBe(2 ** 52);
    expect(() => splitPoint(1)).toThrow('merkle: size 1 has no split point');
  });

  test('node hashing refuses children that are not 32-byte hashes', () => {
    expect(() => hashChildren(new Uint8Array(31), new Uint8Array(32))).toThrow(
      'merkle: child hashes are 31 and 32 bytes, want 32',
    );
  });
});
