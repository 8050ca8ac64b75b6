// File integrity monitoring's bounds on real files: maxFiles, maxDepth, a rescan's time budget
// (resumed by the next one), paths outside the configured ones ignored, symlinks and FIFOs.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@omega/runtime';
import { readFileState } from './file-state';
import { IntegrityMonitor, type IntegrityChange, type IntegrityLimits } from './integrity-monitor';

const logger = createLogger({ service: 'integrity-spec', level: 'silent' });
const LIMITS: IntegrityLimits = {
  maxFiles: 1_000,
  maxFileBytes: 1_024,
  maxDepth: 4,
  rescanIntervalMs: 3_600_000,
  scanBudgetMs: 3_600_000,
  reportIntervalMs: 0,
  settleMs: 0,
};
let dir: string;
const monitors: IntegrityMonitor<string>[] = [];

function monitor(paths: string[], limits: Partial<IntegrityLimits> = {}, now?: () => number) {
  const reports: IntegrityChange<string>[] = [];
  const m = new IntegrityMonitor<string>({
    ...LIMITS,
    ...limits,
    paths,
    logger,
    report: (c) => reports.push(c),
    ...(now ? { now } : {}),
  });
  monitors.push(m);
  return { m, reports };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omega-integrity-'));
});
afterEach(() => {
  for (const m of monitors.splice(0)) m.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('IntegrityMonitor bounds', () => {
  it('keeps at most maxFiles paths and counts new files past it instead of tracking them', async () => {
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, `f${String(i).padStart(2, '0')}`), `${i}`);
    const { m, reports } = monitor([dir], { maxFiles: 10 });
    await m.initialized;
    expect(m.counts().files).toBe(10);
    writeFileSync(join(dir, 'new'), 'x');
    m.onFileOperation([join(dir, 'new')], 'touch');
    await new Promise((r) => setTimeout(r, 20));
    await m.idle();
    expect(reports).toEqual([]);
    expect(m.counts().overLimit).toBe(1);
  });

  it('tracks files to maxDepth below a directory, not deeper', async () => {
    mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
    writeFileSync(join(dir, 'a', 'b', 'shallow'), 's');
    writeFileSync(join(dir, 'a', 'b', 'c', 'deep'), 'd');
    const { m } = monitor([dir], { maxDepth: 3 });
    await m.initialized;
    expect(m.baselineOf(join(dir, 'a', 'b', 'shallow'))).toBeDefined();
    expect(m.baselineOf(join(dir, 'a', 'b', 'c', 'deep'))).toBeUndefined();
    expect(m.covers(join(dir, 'a', 'b', 'c', 'deep'))).toBe(false);
    expect(m.covers(`${dir}-sibling/x`)).toBe(false);
  });

  it('stops a rescan at its time budget and resumes the next one where it stopped', async () => {
    for (let i = 0; i < 6; i++) writeFileSync(join(dir, `f${i}`), `${i}`);
    let clock = 0;
    // every reading of the clock is 10 ms later: a budget of 25 ms lets a rescan check 3 paths
    const { m, reports } = monitor([dir], { scanBudgetMs: 25 }, () => (clock += 10));
    await m.initialized;
    appendFileSync(join(dir, 'f5'), ' changed'); // last in the rescan's order
    await m.rescan();
    expect(reports).toEqual([]);
    expect(m.counts().truncatedScans).toBe(1);
    await m.rescan();
    await m.rescan();
    expect(reports.map((r) => [r.path, r.changes, r.trigger])).toEqual([
      [join(dir, 'f5'), ['content'], 'rescan'],
    ]);
  });

  it('ignores kernel events for paths it does not cover', async () => {
    const other = mkdtempSync(join(tmpdir(), 'omega-integrity-other-'));
    try {
      const { m, reports } = monitor([dir]);
      await m.initialized;
      writeFileSync(join(other, 'x'), 'x');
      m.onFileOperation([join(other, 'x'), 'relative/path'], 'touch');
      await new Promise((r) => setTimeout(r, 20));
      await m.idle();
      expect(reports).toEqual([]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('readFileState', () => {
  it('hashes a symlink by its target name, and does not open a FIFO', async () => {
    symlinkSync('/etc/passwd', join(dir, 'link'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const link = await readFileState(join(dir, 'link'), 1_024);
    const expected = execFileSync('sh', ['-c', 'printf %s /etc/passwd | sha256sum'], {
      encoding: 'utf8',
    });
    expect(link?.kind).toBe('symlink');
    expect(link?.sha256?.toString('hex')).toBe(expected.split(' ')[0]);
    const fifo = await readFileState(join(dir, 'fifo'), 1_024);
    expect(fifo).toMatchObject({ kind: 'other', unhashed: 'not-regular' });
    expect(await readFileState(join(dir, 'missing'), 1_024)).toBeUndefined();
  });
});
