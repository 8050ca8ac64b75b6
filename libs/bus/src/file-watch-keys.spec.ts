// omega_policy file watch keys and watched paths: the spelling deception and the sentinels share.
import { Code } from '@omega/runtime';
import {
  fileWatchFilter,
  fileWatchKey,
  MAX_WATCHED_PATH_BYTES,
  parseFileWatchKey,
  watchedFilePath,
} from './file-watch-keys';
import { POLICY_ALL_NODES } from './policy-keys';

describe('omega_policy file watch keys', () => {
  it('spells a watch as filewatch.<scope>.<id> and watches a scope with filewatch.<scope>.>', () => {
    expect(fileWatchKey(POLICY_ALL_NODES, '0123456789abcdef')).toBe(
      'filewatch.all.0123456789abcdef',
    );
    expect(fileWatchFilter('node-1')).toBe('filewatch.node-1.>');
    expect(parseFileWatchKey('filewatch.node-1.etc_shadow')).toEqual({
      scope: 'node-1',
      id: 'etc_shadow',
    });
  });

  it.each([
    ['an id with a dot', () => fileWatchKey('all', 'a.b')],
    ['a scope with a wildcard', () => fileWatchKey('*', 'abc')],
    ['a block key', () => parseFileWatchKey('block.all.10.0.0.1/32')],
    ['a key without an id', () => parseFileWatchKey('filewatch.all.')],
  ])('refuses %s', (_what, call) => {
    expect(call).toThrow(expect.objectContaining({ code: Code.InvalidArgument }));
  });
});

describe('watched file paths', () => {
  it('takes an absolute normalized path', () => {
    expect(watchedFilePath('/root/.aws/credentials', 'p')).toBe('/root/.aws/credentials');
  });

  it.each([
    ['relative', 'root/.pgpass', 'is not an absolute path'],
    ['the root', '/', 'not a normalized path'],
    ['a trailing slash', '/root/', 'not a normalized path to a file (component 2)'],
    ['a . component', '/root/./x', 'not a normalized path to a file (component 2)'],
    ['a newline', '/root/x\ny', 'whitespace or a control character at index 7'],
    ['too long', `/${'a'.repeat(MAX_WATCHED_PATH_BYTES)}`, `at most ${MAX_WATCHED_PATH_BYTES}`],
  ])('refuses a path with %s, naming the field', (_what, path, why) => {
    let thrown: unknown;
    try {
      watchedFilePath(path, 'FileWatch.path');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: Code.InvalidArgument });
    expect((thrown as Error).message).toMatch(/^FileWatch\.path: /);
    expect((thrown as Error).message).toContain(why);
  });
});
