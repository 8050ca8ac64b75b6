// Real-kernel test of file integrity monitoring (integrity/): real writes, chmod and rm by real
// commands on baselined files under a watched prefix are reported with the before and after
// SHA-256 as sha256sum computes them, size, mode and owner, by the process the kernel named, and
// raise the shipped critical-file rule; repeated changes within the report interval fold into one
// report; a file over maxFileBytes is tracked unhashed; a file outside the watched prefixes is
// caught by the rescan; watched prefixes given through a symlink and `..` are resolved. Needs
// root, BTF, make -C bpf.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileActivityId, type Event } from '@omega/proto';
import { eventually, withNats } from '@omega/testkit';
import {
  ruleFor,
  runPid,
  sigmaRule,
  startAuditSentinel,
  type AuditSentinel,
} from './testing/audit-sentinel';

const NODE = 'integrity-node';
const REPORT_INTERVAL_MS = 4_000;
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\n';
/** The shipped rule this monitoring feeds (apps/intelligence/rules). */
const CRITICAL_FILE_RULE = join(
  __dirname,
  '..',
  '..',
  'intelligence',
  'rules',
  'persistence',
  'critical-file-modified.yml',
);
const nats = withNats();
let sentinel: AuditSentinel;
let etc: string;

type FileEvent = Event & { payload: { $case: 'fileActivity' } };

function integrityEvents(path: string): FileEvent[] {
  return sentinel.events.filter(
    (e): e is FileEvent =>
      e.payload?.$case === 'fileActivity' &&
      e.payload.value.activityId === FileActivityId.FILE_ACTIVITY_ID_UPDATE &&
      (e.payload.value.fileResult?.path ?? e.payload.value.file?.path) === path,
  );
}

function sha256sum(path: string): string {
  return execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]!;
}

const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('hex');

beforeAll(async () => {
  sentinel = await startAuditSentinel(nats, NODE, 'sentinel integrity spec', (dir) => {
    // planted before the sentinel starts: its baseline holds them
    etc = join(dir, 'watched', 'etc');
    mkdirSync(join(etc, 'sudoers.d'), { recursive: true });
    writeFileSync(join(etc, 'passwd'), PASSWD, { mode: 0o644 });
    writeFileSync(join(etc, 'shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o640 });
    writeFileSync(join(etc, 'big.db'), Buffer.alloc(8192, 1));
    mkdirSync(join(dir, 'unwatched', 'etc'), { recursive: true });
    writeFileSync(join(dir, 'unwatched', 'etc', 'crontab'), '# m h dom mon dow command\n');
    mkdirSync(join(dir, 'real-target'));
    symlinkSync(join(dir, 'real-target'), join(dir, 'alias'));
    return {
      files: {
        prefixes: [
          { path: join(dir, 'watched') },
          // through a symlink and `..`: resolved to real-target at start
          { path: `${dir}/alias/../alias/` },
        ],
      },
      integrity: {
        paths: [etc, join(dir, 'unwatched', 'etc')],
        maxFileBytes: 4096,
        reportIntervalMs: REPORT_INTERVAL_MS,
        settleMs: 100,
        // the rescan spec calls rescan() itself, so no timer races the kernel's reports
        rescanIntervalMs: 600_000,
      },
    };
  });
  await sentinel.parts.integrity!.initialized;
}, 60_000);

describe('file integrity monitoring (real kernel, real commands)', () => {
  it('reports a write to a baselined file with the before and after SHA-256, size, mode, owner and the writer, and the shipped rule fires', async () => {
    const passwd = join(etc, 'passwd');
    const before = sha256sum(passwd);
    expect(hex(sentinel.parts.integrity!.baselineOf(passwd)?.sha256)).toBe(before);
    const writer = runPid('sh', '-c', `echo 'evil:x:0:0::/root:/bin/sh' >> ${passwd}`);
    const after = sha256sum(passwd);
    const event = await eventually(
      'the integrity report',
      () => integrityEvents(passwd)[0],
      15_000,
    );
    const st = statSync(passwd);
    expect(event.payload.value).toMatchObject({
      integrityChanges: ['content'],
      coalescedChanges: 0,
      file: {
        path: passwd,
        size: BigInt(Buffer.byteLength(PASSWD)),
        mode: 0o644,
        ownerUid: 0,
        ownerGid: 0,
      },
      fileResult: {
        path: passwd,
        size: BigInt(st.size),
        mode: st.mode & 0o7777,
        ownerUid: st.uid,
        inode: BigInt(st.ino),
      },
    });
    expect(hex(event.payload.value.file?.sha256)).toBe(before);
    expect(hex(event.payload.value.fileResult?.sha256)).toBe(after);
    expect(event.actor?.process?.pid).toBe(writer);
    expect(event.actor?.process?.executablePath).toMatch(/\/(da|ba)?sh$/);
    expect(event.unmapped['fim.trigger']).toBe('kernel');

    expect(sigmaRule(readFileSync(CRITICAL_FILE_RULE, 'utf8')).matches(event)).toBe(true);
  }, 30_000);

  it('folds changes within the report interval into one report at its end, from the last reported state', async () => {
    const shadow = join(etc, 'shadow');
    runPid('chmod', '0666', shadow);
    const first = await eventually('the chmod report', () => integrityEvents(shadow)[0], 15_000);
    expect(first.payload.value.integrityChanges).toEqual(['mode']);
    expect(first.payload.value).toMatchObject({
      file: { mode: 0o640 },
      fileResult: { mode: 0o666 },
    });
    const reported = sha256sum(shadow);
    // two more changes right away: held back, then reported once
    runPid('sh', '-c', `echo 'evil:$6$x:19000:0:99999:7:::' >> ${shadow}`);
    await sentinel.parts.integrity!.idle();
    runPid('chown', '65534', shadow);
    const folded = await eventually('the folded report', () => integrityEvents(shadow)[1], 15_000);
    expect(folded.payload.value.coalescedChanges).toBeGreaterThanOrEqual(1);
    expect(folded.payload.value.integrityChanges).toEqual(['content', 'owner']);
    expect(hex(folded.payload.value.file?.sha256)).toBe(reported);
    expect(hex(folded.payload.value.fileResult?.sha256)).toBe(sha256sum(shadow));
    expect(folded.payload.value.fileResult?.ownerUid).toBe(65534);
    expect(folded.timeNs - first.timeNs).toBeGreaterThanOrEqual(
      BigInt(REPORT_INTERVAL_MS - 500) * 1_000_000n,
    );
    expect(integrityEvents(shadow)).toHaveLength(2);
  }, 30_000);

  it('tracks a file over maxFileBytes by size and times, unhashed, and reports a file that appears and one that goes', async () => {
    const big = join(etc, 'big.db');
    runPid('sh', '-c', `printf 'x' >> ${big}`);
    const grown = await eventually('the big file report', () => integrityEvents(big)[0], 15_000);
    expect(grown.payload.value).toMatchObject({
      integrityChanges: ['content'],
      file: { size: 8192n },
      fileResult: { size: 8193n },
    });
    expect(grown.payload.value.fileResult?.sha256).toHaveLength(0);
    expect(grown.unmapped['fim.unhashed']).toBe('too-large');

    const planted = join(etc, 'sudoers.d', 'zz-backdoor');
    const touch = runPid('touch', planted);
    const created = await eventually(
      'the created report',
      () => integrityEvents(planted)[0],
      15_000,
    );
    expect(created.payload.value.integrityChanges).toEqual(['created']);
    expect(created.payload.value.file).toBeUndefined();
    expect(hex(created.payload.value.fileResult?.sha256)).toBe(sha256sum(planted));
    expect(created.actor?.process?.pid).toBe(touch);
    const rm = runPid('rm', planted);
    const gone = await eventually('the deleted report', () => integrityEvents(planted)[1], 15_000);
    expect(gone.payload.value.integrityChanges).toEqual(['deleted']);
    expect(gone.payload.value.fileResult).toBeUndefined();
    expect(gone.actor?.process?.pid).toBe(rm);
    expect(
      ruleFor('file_integrity', 'Changes: deleted', `TargetFilename: '${planted}'`).matches(gone),
    ).toBe(true);
  }, 45_000);

  it('catches a change outside the watched prefixes on the rescan, with no actor', async () => {
    const crontab = join(sentinel.dir, 'unwatched', 'etc', 'crontab');
    const before = sha256sum(crontab);
    runPid('sh', '-c', `echo '* * * * * root /tmp/x' >> ${crontab}`);
    await sentinel.parts.integrity!.rescan();
    const event = await eventually('the rescan report', () => integrityEvents(crontab)[0], 15_000);
    expect(event.unmapped['fim.trigger']).toBe('rescan');
    expect(event.actor).toBeUndefined();
    expect(hex(event.payload.value.file?.sha256)).toBe(before);
    expect(hex(event.payload.value.fileResult?.sha256)).toBe(sha256sum(crontab));
  }, 30_000);
});

describe('watched prefixes given through a symlink and `..` (resolved at start)', () => {
  it('reports a create by its real path and a delete by the path the process passed', async () => {
    const real = join(sentinel.dir, 'real-target', 'x');
    const touch = runPid('touch', real);
    const created = await eventually(
      'the create under the resolved prefix',
      () =>
        sentinel.events.find(
          (e) =>
            e.actor?.process?.pid === touch &&
            e.payload?.$case === 'fileActivity' &&
            e.payload.value.activityId === FileActivityId.FILE_ACTIVITY_ID_CREATE,
        ),
      15_000,
    );
    expect(created.payload).toMatchObject({ value: { file: { path: real } } });
    const viaAlias = join(sentinel.dir, 'alias', 'x');
    const rm = runPid('rm', viaAlias);
    const deleted = await eventually(
      'the delete through the written spelling',
      () =>
        sentinel.events.find(
          (e) =>
            e.actor?.process?.pid === rm &&
            e.payload?.$case === 'fileActivity' &&
            e.payload.value.activityId === FileActivityId.FILE_ACTIVITY_ID_DELETE,
        ),
      15_000,
    );
    expect(deleted.payload).toMatchObject({ value: { file: { path: viaAlias } } });
  }, 30_000);
});
