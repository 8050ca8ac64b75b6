// CgroupDirectory on a directory tree (inode numbers work the same outside a cgroup mount): ids
// map to paths, a new cgroup is found on a miss, and misses rescan at most once per interval.
import { mkdirSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CgroupDirectory } from './cgroup-directory';

const root = mkdtempSync(join(tmpdir(), 'omega-cgroupdir-'));
const ino = (path: string): bigint => statSync(join(root, path), { bigint: true }).ino;

describe('CgroupDirectory', () => {
  it('maps a directory inode to its path, rescanning on a miss at most once per interval', () => {
    mkdirSync(join(root, 'kubepods', 'pod-a'), { recursive: true });
    let nowMs = 0;
    const cgroups = new CgroupDirectory({ root, rescanIntervalMs: 1_000, nowMs: () => nowMs });
    expect(cgroups.pathOf(ino('kubepods/pod-a'))).toBe('/kubepods/pod-a');
    expect(cgroups.pathOf(ino('.'))).toBe('/');

    mkdirSync(join(root, 'kubepods', 'pod-b'));
    nowMs = 500; // within the interval of the last walk: no new walk, not found yet
    expect(cgroups.pathOf(ino('kubepods/pod-b'))).toBeUndefined();
    nowMs = 1_500;
    expect(cgroups.pathOf(ino('kubepods/pod-b'))).toBe('/kubepods/pod-b');
  });

  it('forgets cgroups that are gone after the next walk', () => {
    mkdirSync(join(root, 'gone'));
    const id = ino('gone');
    let nowMs = 10_000;
    const cgroups = new CgroupDirectory({ root, nowMs: () => nowMs });
    expect(cgroups.pathOf(id)).toBe('/gone');
    rmdirSync(join(root, 'gone'));
    nowMs += 2_000;
    cgroups.scan();
    expect(cgroups.pathOf(id)).toBeUndefined();
  });

  it('stops walking at maxEntries directories', () => {
    for (let i = 0; i < 5; i++) mkdirSync(join(root, 'many', `c${i}`), { recursive: true });
    const cgroups = new CgroupDirectory({ root: join(root, 'many'), maxEntries: 3 });
    cgroups.scan();
    const found = [0, 1, 2, 3, 4].filter(
      (i) =>
        cgroups.pathOf(statSync(join(root, 'many', `c${i}`), { bigint: true }).ino) !== undefined,
    );
    expect(found.length).toBeLessThan(5);
  });
});
