// Real-kernel test of file operations under watched prefixes (bpf/src/audit-file-ops.h): real
// touch, mv, chmod, chown, mkdir, rm, rmdir and tar under a watched directory each raise the File
// System Activity the contract names (docs/sentinel-telemetry.md), matched by Sigma rules on
// file_event / file_rename / file_delete / file_change; the same commands outside it, and under a
// sibling whose name only starts like it, raise nothing. Needs root, BTF, make -C bpf.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileActivityId, type Event } from '@omega/proto';
import { eventually, withNats } from '@omega/testkit';
import type { CompiledSigmaRule } from '@omega/detect';
import { ruleFor, runPid, startAuditSentinel, type AuditSentinel } from './testing/audit-sentinel';

const NODE = 'audit-files-node';
const nats = withNats();
let sentinel: AuditSentinel;
let watched: string;
let modesOnly: string;

function fileEvents(): Array<Event & { payload: { $case: 'fileActivity' } }> {
  return sentinel.events.filter(
    (e): e is Event & { payload: { $case: 'fileActivity' } } => e.payload?.$case === 'fileActivity',
  );
}

function matched(rule: CompiledSigmaRule, pid: number, what: string): Promise<Event> {
  return eventually(
    what,
    () => fileEvents().find((e) => e.actor?.process?.pid === pid && rule.matches(e)),
    15_000,
  );
}

beforeAll(async () => {
  sentinel = await startAuditSentinel(nats, NODE, 'sentinel audit files spec', (dir) => ({
    files: {
      prefixes: [
        { path: join(dir, 'watched') + '/' },
        { path: join(dir, 'modes'), ops: ['chmod'] },
      ],
    },
  }));
  watched = join(sentinel.dir, 'watched');
  modesOnly = join(sentinel.dir, 'modes');
  for (const d of [
    watched,
    modesOnly,
    join(sentinel.dir, 'outside'),
    join(sentinel.dir, 'watched-not'),
  ])
    mkdirSync(d);
}, 60_000);

describe('file operations under watched prefixes (real kernel)', () => {
  it('reports create, rename, chmod, chown, mkdir, delete and rmdir by real commands', async () => {
    const a = join(watched, 'a');
    const b = join(watched, 'b');
    const touch = runPid('touch', a);
    const created = await matched(
      ruleFor('file_event', `TargetFilename: '${a}'`, "Image: '/usr/bin/touch'"),
      touch,
      'touch',
    );
    expect(created.payload).toMatchObject({
      value: { activityId: FileActivityId.FILE_ACTIVITY_ID_CREATE, syscall: 'openat' },
    });

    const mv = runPid('mv', a, b);
    await matched(
      ruleFor('file_rename', `SourceFilename: '${a}'`, `TargetFilename: '${b}'`),
      mv,
      'mv',
    );
    const chmod = runPid('chmod', '4755', b);
    await matched(
      ruleFor('file_change', `TargetFilename: '${b}'`, "FileMode: '4755'"),
      chmod,
      'chmod',
    );
    const chown = runPid('chown', '65534:65534', b);
    const owner = await matched(
      ruleFor('file_change', `TargetFilename: '${b}'`, 'OwnerUid: 65534', 'OwnerGid: 65534'),
      chown,
      'chown',
    );
    expect(owner.payload).toMatchObject({ value: { mode: undefined } });
    const d = join(watched, 'd');
    const mkdir = runPid('mkdir', d);
    await matched(
      ruleFor('file_event', `TargetFilename: '${d}'`, 'Syscall: mkdir'),
      mkdir,
      'mkdir',
    );
    const rm = runPid('rm', b);
    await matched(ruleFor('file_delete', `TargetFilename: '${b}'`, 'Syscall: unlinkat'), rm, 'rm');
    const rmdir = runPid('rmdir', d);
    await matched(
      ruleFor('file_delete', `TargetFilename: '${d}'`, 'Syscall: rmdir'),
      rmdir,
      'rmdir',
    );
  });

  it('names a file made through a relative path by its absolute path, and a file renamed into the prefix', async () => {
    const pid = runPid('sh', '-c', `cd '${watched}' && exec touch rel`);
    await matched(
      ruleFor('file_event', `TargetFilename: '${join(watched, 'rel')}'`),
      pid,
      'relative touch',
    );
    const from = join(sentinel.dir, 'outside', 'incoming');
    writeFileSync(from, 'x');
    const mv = runPid('mv', from, join(watched, 'incoming'));
    await matched(
      ruleFor(
        'file_rename',
        `SourceFilename: '${from}'`,
        `TargetFilename: '${join(watched, 'incoming')}'`,
      ),
      mv,
      'mv in',
    );
  });

  it('reports a tar extract under the prefix file by file', async () => {
    const src = join(sentinel.dir, 'outside', 'src');
    mkdirSync(src);
    for (const name of ['one', 'two', 'three']) writeFileSync(join(src, name), name);
    const archive = join(sentinel.dir, 'outside', 'src.tar');
    execFileSync('tar', ['-cf', archive, '-C', src, '.']);
    const pid = runPid('tar', '-xf', archive, '-C', watched);
    for (const name of ['one', 'two', 'three']) {
      await matched(
        ruleFor('file_event', `TargetFilename: '${join(watched, name)}'`, "Image: '/usr/bin/tar'"),
        pid,
        `tar ${name}`,
      );
    }
  });

  it('reports only the ops a prefix asks for (chmod, not create)', async () => {
    const f = join(modesOnly, 'f');
    const touch = runPid('touch', f);
    const chmod = runPid('chmod', '600', f);
    await matched(
      ruleFor('file_change', `TargetFilename: '${f}'`, "FileMode: '600'"),
      chmod,
      'chmod',
    );
    expect(fileEvents().filter((e) => e.actor?.process?.pid === touch)).toEqual([]);
  });

  it('raises nothing outside the prefixes, nor under a sibling that only starts like one', async () => {
    const pids: number[] = [];
    for (const base of [join(sentinel.dir, 'outside'), join(sentinel.dir, 'watched-not')]) {
      const f = join(base, 'f');
      pids.push(
        runPid('touch', f),
        runPid('chmod', '600', f),
        runPid('mv', f, `${f}2`),
        runPid('rm', `${f}2`),
      );
      pids.push(runPid('mkdir', join(base, 'd')), runPid('rmdir', join(base, 'd')));
    }
    pids.push(runPid('tar', '-cf', join(sentinel.dir, 'outside', 'x.tar'), '-C', watched, '.'));
    const marker = runPid('touch', join(watched, 'marker'));
    await matched(
      ruleFor('file_event', `TargetFilename: '${join(watched, 'marker')}'`),
      marker,
      'marker',
    );
    expect(fileEvents().filter((e) => pids.includes(e.actor?.process?.pid ?? 0))).toEqual([]);
    // every file event names a path in a prefix (the prefix itself included: its mkdir above)
    const inPrefix = (p: string): boolean =>
      [watched, modesOnly].some((w) => p === w || p.startsWith(`${w}/`));
    const outside = fileEvents().filter(
      (e) =>
        ![e.payload.value.file?.path, e.payload.value.fileResult?.path].some((p) =>
          inPrefix(p ?? ''),
        ),
    );
    expect(outside.map((e) => e.message)).toEqual([]);
  });
});
