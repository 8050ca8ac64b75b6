// A writer's tree grows as the RFC 9162 tree of its leaves, and hands each tile and bundle over once.
import { decodeEntryBundle } from './entry-bundle';
import { LogTree, type TreeLeaf, type TreeWrites } from './log-tree';
import { hashLeaf, rootFromLeafHashes } from './merkle-hash';
import { tilePath } from './tile';

const leaves: TreeLeaf[] = Array.from({ length: 700 }, (_, i) => {
  const leaf = new TextEncoder().encode(`audit entry ${i}`);
  return { leaf, leafHash: hashLeaf(leaf) };
});

/** Persists writes the way a tile store does: the newest content of each path wins. */
function persist(writes: TreeWrites, store: Map<string, Uint8Array>): void {
  for (const tile of writes.tiles) store.set(tilePath(tile.id), tile.hashes);
  for (const bundle of writes.bundles) store.set(`entries/${bundle.id.index}`, bundle.bytes);
}

describe('LogTree', () => {
  it('has the root of its leaves after batches of any size, and bundles holding every entry', () => {
    const tree = new LogTree();
    const store = new Map<string, Uint8Array>();
    for (const [from, to] of [
      [0, 1],
      [1, 256],
      [256, 300],
      [300, 700],
    ] as const) {
      tree.append(leaves.slice(from, to));
      expect(tree.size).toBe(to);
      expect(Buffer.from(tree.root())).toEqual(
        Buffer.from(rootFromLeafHashes(leaves.slice(0, to).map((l) => l.leafHash))),
      );
      persist(tree.takeWrites(), store);
    }
    const entries = [0, 1, 2].flatMap((index) =>
      decodeEntryBundle(store.get(`entries/${index}`)!, index < 2 ? 256 : 700 - 512),
    );
    expect(entries.map((e) => Buffer.from(e))).toEqual(leaves.map((l) => Buffer.from(l.leaf)));
    expect(tree.takeWrites()).toEqual({ tiles: [], bundles: [] });
    expect(tree.hasTileWrites).toBe(false);
  });

  it('remembers the index of the newest leaves by hash, forgetting the oldest', () => {
    const tree = new LogTree(undefined, 100);
    tree.append(leaves.slice(0, 150));
    expect(tree.indexOfLeafHash(leaves[149]!.leafHash)).toBe(149);
    expect(tree.indexOfLeafHash(Uint8Array.from(leaves[50]!.leafHash))).toBe(50);
    expect(tree.indexOfLeafHash(leaves[49]!.leafHash)).toBeUndefined();
  });

  it('takes back writes that failed, unless newer content of the same path is waiting', () => {
    const tree = new LogTree();
    tree.append(leaves.slice(0, 10));
    const failed = tree.takeWrites();
    tree.append(leaves.slice(10, 20));
    tree.restoreWrites(failed);
    const retried = tree.takeWrites();
    expect(retried.tiles.map((t) => t.id.width)).toEqual([20]);
    expect(retried.bundles.map((b) => b.id.width)).toEqual([20]);

    tree.restoreWrites(retried);
    expect(tree.hasTileWrites).toBe(true);
    expect(tree.takeWrites()).toEqual(retried);
  });
});
