// Real-kernel test of in-kernel enforcement (bpf/src/audit-enforce.h): a real exec of a binary
// from a path an `enforce` policy names is killed by SIGKILL before it runs (also through a
// symlink), the same exec under a dry-run policy runs to completion and is reported as
// would-enforce, an exec no policy names is left alone and unreported, and a memfd exec under a
// memfd-exec policy is killed; every action is a Process Activity ENFORCEMENT event saying which.
// Enforcement is off unless configured. Needs root, BTF, make -C bpf.
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ProcessAction, type Event } from '@omega/proto';
import { eventually, withNats } from '@omega/testkit';
import { sentinelConfigSchema } from './sentinel-config';
import {
  ruleFor,
  sigmaRule,
  startAuditSentinel,
  type AuditSentinel,
} from './testing/audit-sentinel';
import { SHIPPED_RULES_DIR } from './testing/shipped-pack';

const NODE = 'enforcement-node';
const nats = withNats();
/** The shipped rule that turns these events into alerts. */
const alertRule = (): ReturnType<typeof sigmaRule> =>
  sigmaRule(
    readFileSync(join(SHIPPED_RULES_DIR, 'execution', 'sentinel-enforcement-action.yml'), 'utf8'),
  );
let sentinel: AuditSentinel;

function enforcementOf(pid: number): Event | undefined {
  return sentinel.events.find(
    (e) =>
      e.payload?.$case === 'processActivity' &&
      e.payload.value.action === ProcessAction.PROCESS_ACTION_ENFORCEMENT &&
      e.actor?.process?.pid === pid,
  );
}

/** Runs `path` and says how it ended (a status, or the signal that ended it). */
function run(
  path: string,
  ...args: string[]
): { pid: number; status: number | null; signal: string | null } {
  const result = spawnSync(path, args, { stdio: 'ignore' });
  if (result.error) throw result.error;
  return { pid: result.pid!, status: result.status, signal: result.signal };
}

beforeAll(async () => {
  sentinel = await startAuditSentinel(nats, NODE, 'sentinel enforcement spec', (dir) => {
    for (const zone of ['kill-zone', 'dry-zone', 'free']) {
      mkdirSync(join(dir, zone));
      copyFileSync('/usr/bin/true', join(dir, zone, 'payload'));
    }
    symlinkSync(join(dir, 'kill-zone'), join(dir, 'kill-alias'));
    return {
      syscallTelemetry: false, // enforcement needs only the exec probe
      enforcement: {
        policies: [
          // given through the symlink: resolved at start, as the kernel names the executed file
          {
            id: 'no-exec-from-kill-zone',
            match: 'exec',
            path: join(dir, 'kill-alias'),
            mode: 'enforce',
          },
          { id: 'dry-exec', match: 'exec', path: join(dir, 'dry-zone') + '/', mode: 'dry-run' },
          { id: 'no-memfd-exec', match: 'memfd-exec', mode: 'enforce' },
        ],
      },
    };
  });
}, 60_000);

describe('in-kernel enforcement (real kernel, real execs)', () => {
  it('is off unless configured', () => {
    expect(sentinelConfigSchema.parse({}).enforcement.policies).toEqual([]);
    expect(
      sentinelConfigSchema.parse({
        enforcement: { policies: [{ id: 'p', match: 'exec', path: '/tmp' }] },
      }).enforcement.policies[0]?.mode,
    ).toBe('dry-run');
  });

  it('kills an exec from the enforced path before it runs, by its real path or through a symlink, and reports it enforced', async () => {
    for (const path of [
      join(sentinel.dir, 'kill-zone', 'payload'),
      join(sentinel.dir, 'kill-alias', 'payload'),
    ]) {
      const ran = run(path);
      expect({ path, status: ran.status, signal: ran.signal }).toEqual({
        path,
        status: null,
        signal: 'SIGKILL',
      });
      const event = await eventually(
        `the enforcement event of ${path}`,
        () => enforcementOf(ran.pid),
        15_000,
      );
      expect(event.payload).toMatchObject({
        value: {
          enforcement: { policy: 'no-exec-from-kill-zone', action: 'sigkill', dryRun: false },
          process: { executablePath: join(sentinel.dir, 'kill-zone', 'payload') },
        },
      });
      expect(event.message).toContain('SIGKILL exec of');
      expect(alertRule().matches(event)).toBe(true);
      expect(ruleFor('enforcement', 'EnforcementMode: enforce').matches(event)).toBe(true);
    }
  });

  it('lets a dry-run exec run to completion and reports that it would have killed it', async () => {
    const ran = run(join(sentinel.dir, 'dry-zone', 'payload'));
    expect({ status: ran.status, signal: ran.signal }).toEqual({ status: 0, signal: null });
    const event = await eventually('the dry-run event', () => enforcementOf(ran.pid), 15_000);
    expect(event.payload).toMatchObject({
      value: { enforcement: { policy: 'dry-exec', action: 'sigkill', dryRun: true } },
    });
    expect(event.message).toContain('would SIGKILL (dry run)');
    expect(alertRule().matches(event)).toBe(true);
    expect(ruleFor('enforcement', 'EnforcementMode: dry-run').matches(event)).toBe(true);
  });

  it('leaves an exec no policy names alone and reports nothing for it', async () => {
    const free = run(join(sentinel.dir, 'free', 'payload'));
    expect({ status: free.status, signal: free.signal }).toEqual({ status: 0, signal: null });
    // a later enforced exec's event arrives after anything the free one could have caused
    const marker = run(join(sentinel.dir, 'dry-zone', 'payload'));
    await eventually('the marker event', () => enforcementOf(marker.pid), 15_000);
    expect(enforcementOf(free.pid)).toBeUndefined();
  });

  it('kills a python3 memfd exec under a memfd-exec policy', async () => {
    const script = [
      'import os',
      "fd = os.memfd_create('omega-enforced')",
      "os.write(fd, open('/usr/bin/true', 'rb').read())",
      "os.execv(f'/proc/self/fd/{fd}', ['payload'])",
    ].join('\n');
    const ran = run('/usr/bin/python3', '-c', script);
    expect({ status: ran.status, signal: ran.signal }).toEqual({ status: null, signal: 'SIGKILL' });
    const event = await eventually(
      'the memfd enforcement event',
      () => enforcementOf(ran.pid),
      15_000,
    );
    expect(event.payload).toMatchObject({
      value: { enforcement: { policy: 'no-memfd-exec', dryRun: false } },
    });
  });
});
