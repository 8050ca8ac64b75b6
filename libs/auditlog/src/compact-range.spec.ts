// The compact range: roots for every size, completed nodes, and restoring from stored hashes.
import { CompactRange, compactRangeNodes } from './compact-range';
import { EMPTY_ROOT, hashChildren, hashLeaf, rootFromLeafHashes } from './merkle-hash';
import type { NodeHash } from './tree-node';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const leafHashes = Array.from({ length: 1100 }, (_, i) =>
  hashLeaf(Uint8Array.of(i & 0xff, i >> 8)),
);

/** Hash of the perfect subtree (level, index), computed from scratch. */
const nodeHash = (level: number, index: number) =>
  rootFromLeafHashes(leafHashes.slice(index * 2 ** level, (index + 1) * 2 ** level));

describe('CompactRange', () => {
  test('after each append its root is the root of the tree built from scratch', () => {
    const range = new CompactRange();
    expect(range.root()).toEqual(EMPTY_ROOT);
    for (let i = 0; i < leafHashes.length; i++) {
      const { index } = range.append(leafHashes[i]!);
      expect(index).toBe(i);
      expect(hex(range.root())).toBe(hex(rootFromLeafHashes(leafHashes.slice(0, i + 1))));
    }
  });

  test('keeps one subtree root per set bit of the size (the transparency-dev CompactTrees shape)', () => {
    const range = new CompactRange();
    for (const leaf of leafHashes.slice(0, 7)) range.append(leaf);
    // Size 7 = 4 + 2 + 1: nodes (2,0), (1,2), (0,6).
    expect(compactRangeNodes(7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(range.hashes.map(hex)).toEqual(
      [nodeHash(2, 0), nodeHash(1, 2), nodeHash(0, 6)].map(hex),
    );
  });

  test('an append reports the leaf and every node it completes, leaf first', () => {
    const range = new CompactRange();
    for (const leaf of leafHashes.slice(0, 7)) range.append(leaf);
    const { index, completed } = range.append(leafHashes[7]!);
    expect(index).toBe(7);
    expect(completed.map((n) => [n.level, n.index])).toEqual([
      [0, 7],
      [1, 3],
      [2, 1],
      [3, 0],
    ]);
    for (const node of completed)
      expect(hex(node.hash)).toBe(hex(nodeHash(node.level, node.index)));
  });

  test('the nodes completed over a log are each perfect subtree exactly once', () => {
    const range = new CompactRange();
    const seen = new Map<string, NodeHash>();
    for (let start = 0; start < leafHashes.length; start += 97) {
      const batch = range.appendBatch(leafHashes.slice(start, start + 97));
      expect(batch.start).toBe(start);
      expect(hex(batch.root)).toBe(hex(rootFromLeafHashes(leafHashes.slice(0, batch.size))));
      for (const node of batch.completed) {
        const key = `${node.level}/${node.index}`;
        expect(seen.has(key)).toBe(false);
        seen.set(key, node);
      }
    }
    // 1100 leaves: 1100 + 550 + 275 + 137 + 68 + 34 + 17 + 8 + 4 + 2 + 1 perfect subtrees.
    expect(seen.size).toBe(2196);
    for (const node of [...seen.values()].filter((_, i) => i % 37 === 0)) {
      expect(hex(node.hash)).toBe(hex(nodeHash(node.level, node.index)));
    }
  });

  test('restored from the hashes of its nodes it continues the same tree', () => {
    for (const size of [0, 1, 2, 3, 255, 256, 257, 1000]) {
      const hashes = compactRangeNodes(size).map((n) => nodeHash(n.level, n.index));
      const restored = new CompactRange(size, hashes);
      expect(restored.size).toBe(size);
      restored.appendBatch(leafHashes.slice(size, size + 50));
      expect(hex(restored.root())).toBe(hex(rootFromLeafHashes(leafHashes.slice(0, size + 50))));
    }
  });

  test('a clone grows independently', () => {
    const range = new CompactRange();
    range.appendBatch(leafHashes.slice(0, 5));
    const clone = range.clone();
    clone.append(leafHashes[5]!);
    expect(range.size).toBe(5);
    expect(clone.size).toBe(6);
    expect(hex(range.root())).toBe(hex(rootFromLeafHashes(leafHashes.slice(0, 5))));
  });

  test('refuses a restore with the wrong number of hashes and leaves that are not hashes', () => {
    expect(() => new CompactRange(7, [leafHashes[0]!])).toThrow(
      'compact range: size 7 needs 3 subtree hashes, got 1',
    );
    expect(() => new CompactRange().append(new Uint8Array(20))).toThrow(
      'compact range: leaf hash is 20 bytes, want 32',
    );
    expect(() => new CompactRange(-1)).toThrow('compact range: size -1');
  });

  test('a node completed by hand matches: (1, 0) = H(0x01 || leaf0 || leaf1)', () => {
    const { completed } = new CompactRange(1, [leafHashes[0]!]).append(leafHashes[1]!);
    expect(completed[1]!.hash).toEqual(hashChildren(leafHashes[0]!, leafHashes[1]!));
  });
});
