// Watched prefixes resolved at config load as the kernel walks them, on real symlinks.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvedPath, watchedPrefixes, writtenPath } from './watched-paths';

let root: string;
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'omega-watched-paths-')));
  mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
  mkdirSync(join(root, 'deep', 'er'), { recursive: true });
  symlinkSync('usr/bin', join(root, 'bin')); // relative, as merged-/usr systems have it
  symlinkSync(join(root, 'deep', 'er'), join(root, 'er-link'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolvedPath', () => {
  it('follows a relative symlink', () => {
    expect(resolvedPath(`${root}/bin`)).toBe(`${root}/usr/bin`);
  });

  it('takes `..` after a symlink from its target, as the kernel does (not lexically)', () => {
    expect(resolvedPath(`${root}/er-link/..`)).toBe(`${root}/deep`);
    expect(writtenPath(`${root}/er-link/..`)).toBe(root);
  });

  it('keeps a part that does not exist yet as written, after resolving the part that does', () => {
    expect(resolvedPath(`${root}/bin/not-yet/./x/`)).toBe(`${root}/usr/bin/not-yet/x`);
    expect(resolvedPath('/')).toBe('/');
  });
});

describe('watchedPrefixes', () => {
  it('watches the resolved path and the written spelling, merging duplicates and their ops', () => {
    const { prefixes, dropped } = watchedPrefixes(
      [
        { path: `${root}/bin/`, ops: ['create'] },
        { path: `${root}/usr/bin`, ops: ['delete'] },
      ],
      32,
    );
    expect(prefixes.map((p) => [p.path, [...p.ops].sort()])).toEqual([
      [`${root}/usr/bin`, ['create', 'delete']],
      [`${root}/bin`, ['create']],
    ]);
    expect(dropped).toEqual([]);
  });

  it('drops written spellings, not resolved paths, past the limit', () => {
    const { prefixes, dropped } = watchedPrefixes([{ path: `${root}/bin`, ops: ['create'] }], 1);
    expect(prefixes.map((p) => p.path)).toEqual([`${root}/usr/bin`]);
    expect(dropped).toEqual([`${root}/bin`]);
  });
});
