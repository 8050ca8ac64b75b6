// The shipped rule pack on a benign node's real kernel events: bench/sentinel/benign-workload.sh
// (a package installed, removed and reinstalled by dpkg under /usr/local, log rotation by
// logrotate under /var/log, a CI build step with git, make, cc and tar; in a private mount
// namespace with tmpfs over those two directories) runs under the real sentinel with the default
// watched prefixes plus /usr/local and /var/log, and no shipped rule fires on any event of its
// process tree. Needs root, BTF, make -C bpf, dpkg, logrotate, git, make, cc.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileActivityId, ProcessActivityId, type Event } from '@omega/proto';
import { eventually, withNats } from '@omega/testkit';
import { DEFAULT_FILE_PREFIXES } from './sentinel-config';
import { startAuditSentinel, type AuditSentinel } from './testing/audit-sentinel';
import { eventsOfTree, shippedSigmaRules } from './testing/shipped-pack';

const NODE = 'benign-node';
const WORKLOAD = join(__dirname, '..', '..', '..', 'bench', 'sentinel', 'benign-workload.sh');
const nats = withNats();
let sentinel: AuditSentinel;

beforeAll(async () => {
  sentinel = await startAuditSentinel(nats, NODE, 'sentinel benign spec', () => ({
    files: {
      prefixes: [...DEFAULT_FILE_PREFIXES, '/usr/local', '/var/log'].map((path) => ({ path })),
    },
  }));
}, 60_000);

async function runWorkload(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'omega-benign-'));
  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', WORKLOAD, work, '2'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (status !== 0) throw new Error(`benign-workload.sh exited ${status}: ${stderr}`);
  return child.pid!;
}

describe('the shipped rule pack on a benign workload (real kernel, real tools)', () => {
  it('raises no alert for package installs, log rotation and a CI build step', async () => {
    const rules = shippedSigmaRules();
    expect(rules.length).toBe(67);
    const root = await runWorkload();
    const fileOps = (id: FileActivityId, prefix: string) => (events: Event[]) =>
      events.filter(
        (e) =>
          e.payload?.$case === 'fileActivity' &&
          e.payload.value.activityId === id &&
          (e.payload.value.file?.path ?? '').startsWith(prefix),
      ).length;
    // the workload's own shell exits last: once its exit is in, everything it did is
    const tree = await eventually(
      'the workload events',
      () => {
        const events = eventsOfTree(sentinel.events, root);
        const done = events.some(
          (e) =>
            e.payload?.$case === 'processActivity' &&
            e.payload.value.activityId === ProcessActivityId.PROCESS_ACTIVITY_ID_TERMINATE &&
            e.payload.value.process?.pid === root,
        );
        return done ? events : undefined;
      },
      30_000,
    );
    // it did what it claims, through the kernel: dpkg's creates, renames and deletes under
    // /usr/local, logrotate's under /var/log, and the build's launches
    expect(
      fileOps(FileActivityId.FILE_ACTIVITY_ID_CREATE, '/usr/local/')(tree),
    ).toBeGreaterThanOrEqual(400);
    expect(
      fileOps(FileActivityId.FILE_ACTIVITY_ID_RENAME, '/usr/local/')(tree),
    ).toBeGreaterThanOrEqual(400);
    expect(
      fileOps(FileActivityId.FILE_ACTIVITY_ID_DELETE, '/usr/local/')(tree),
    ).toBeGreaterThanOrEqual(200);
    expect(
      fileOps(FileActivityId.FILE_ACTIVITY_ID_RENAME, '/var/log/')(tree),
    ).toBeGreaterThanOrEqual(8);
    expect(
      fileOps(FileActivityId.FILE_ACTIVITY_ID_DELETE, '/var/log/')(tree),
    ).toBeGreaterThanOrEqual(4);
    const launched = new Set(
      tree.flatMap((e) =>
        e.payload?.$case === 'processActivity' &&
        e.payload.value.activityId === ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH
          ? [e.payload.value.process?.executablePath.split('/').pop()]
          : [],
      ),
    );
    for (const tool of [
      'dpkg',
      'logrotate',
      'git',
      'make',
      'cc',
      'tar',
      'gzip',
      'omega-benign-tool',
    ])
      expect({ tool, launched: launched.has(tool) }).toEqual({ tool, launched: true });

    const alerts = tree.flatMap((event) =>
      rules
        .filter((rule) => rule.matches(event))
        .map((rule) => `${rule.rule.title}: ${event.message}`),
    );
    expect(alerts).toEqual([]);
  }, 120_000);
});
