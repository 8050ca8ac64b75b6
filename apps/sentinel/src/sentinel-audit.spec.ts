// Real-kernel test of the security telemetry (bpf/src/audit.bpf.c, docs/sentinel-telemetry.md):
// real commands (a setuid copy of id run as nobody, strace -p, python3 ptrace, unshare + mount,
// nsenter, insmod of a bogus file, a bpf() load, raw and packet sockets, memfd execution) each
// raise the event the contract names, read back from TELEMETRY and matched by a Sigma rule written
// with the contract's field names; benign commands raise none. Needs root, BTF, make -C bpf, kmod.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { type Event } from '@omega/proto';
import { eventually, withNats } from '@omega/testkit';
import type { CompiledSigmaRule } from '@omega/detect';
import {
  ruleFor,
  runPid,
  runPidFailing,
  startAuditSentinel,
  type AuditSentinel,
} from './testing/audit-sentinel';

const NODE = 'audit-node';
const PYTHON = '/usr/bin/python3';
const nats = withNats();
let sentinel: AuditSentinel;
const children: ChildProcess[] = [];

/** The cgroup v2 id of this process (its cgroup directory's inode): what the kernel stamps. */
function ownCgroupId(): string {
  const path = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((line) => line.startsWith('0::'))!
    .slice(3);
  for (const root of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    try {
      return String(statSync(join(root, path)).ino);
    } catch {
      // not this layout
    }
  }
  throw new Error('no cgroup2 mount found');
}

/** The event of `pid` the rule matches, once it arrives. */
function matched(rule: CompiledSigmaRule, pid: number, what: string): Promise<Event> {
  return eventually(
    what,
    () => sentinel.events.find((e) => e.actor?.process?.pid === pid && rule.matches(e)),
    15_000,
  );
}

/** Not a plain exec or exit (those are process_creation's, on the same subject). */
function isAudit(e: Event): boolean {
  return e.payload?.$case !== 'processActivity' || e.payload.value.action !== 0;
}

function background(command: string, ...args: string[]): number {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

beforeAll(async () => {
  execFileSync('which', ['insmod', 'strace', 'unshare', 'nsenter', 'setpriv']);
  sentinel = await startAuditSentinel(nats, NODE, 'sentinel audit spec', () => ({
    files: { prefixes: [] },
  }));
}, 60_000);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('security telemetry (real kernel)', () => {
  it('loads the programs: exec records, and the syscall-exit probe (audit in HELLO)', () => {
    expect(sentinel.parts.mode).toBe('ebpf');
    expect(sentinel.parts.loader?.features).toContain('audit');
  });

  it('reports a setuid binary run by nobody (privilege_change, execve) and a refused setuid(0)', async () => {
    const copy = join(sentinel.dir, 'id-suid');
    copyFileSync('/usr/bin/id', copy);
    execFileSync('chmod', ['4755', copy]);
    const asNobody = ['--reuid', '65534', '--regid', '65534', '--clear-groups'];
    const pid = runPid('setpriv', ...asNobody, copy);
    const exec = await matched(
      ruleFor('privilege_change', `Image: '${copy}'`, 'Syscall: execve', 'EffectiveUid: 0'),
      pid,
      'setuid exec',
    );
    expect(exec.actor?.user).toMatchObject({ posixUid: 65534, effectiveUid: 0 });
    expect(exec.unmapped['bpf.cgroup_id']).toBe(ownCgroupId());

    const refused = runPid(
      'setpriv',
      ...asNobody,
      PYTHON,
      '-c',
      'import os\ntry: os.setuid(0)\nexcept PermissionError: pass',
    );
    const call = await matched(
      ruleFor('privilege_change', 'Syscall: setuid', 'TargetUid: 0', 'Result: -1', 'Uid: 65534'),
      refused,
      'refused setuid(0)',
    );
    expect(call.actor?.process?.executablePath).toBe(realpathSync(PYTHON));
  });

  it('reports a binary with file capabilities (setcap cap_net_raw+ep) run by nobody (privilege_change)', async () => {
    const copy = join(sentinel.dir, 'id-cap');
    copyFileSync('/usr/bin/id', copy);
    execFileSync('setcap', ['cap_net_raw+ep', copy]);
    const pid = runPid('setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', copy);
    // CAP_NET_RAW is capability 13: bit 13 of the effective set, nothing else
    await matched(
      ruleFor(
        'privilege_change',
        `Image: '${copy}'`,
        'Syscall: execve',
        'Uid: 65534',
        "CapEffective: '0x0000000000002000'",
      ),
      pid,
      'file-capability exec',
    );
  });

  it('holds back records over the per-CPU rate and counts them (audit-rate)', async () => {
    await sentinel.parts.loader!.command('audit-rate 3');
    await sentinel.parts.loader!.command('stats');
    const stats = await eventually('a STATS frame', () => sentinel.parts.latestStats(), 5_000);
    const before = stats.auditRateLimited;
    const script = "import os\nfor i in range(40): os.memfd_create('omega-burst')";
    const pid = runPid(PYTHON, '-c', script);
    await sentinel.parts.loader!.command('audit-rate 500');
    const marker = runPid(PYTHON, '-c', "import os; os.memfd_create('omega-after-burst')");
    await matched(ruleFor('memfd_create', 'MemfdName: omega-after-burst'), marker, 'marker');
    const burst = ruleFor('memfd_create', 'MemfdName: omega-burst');
    const sent = sentinel.events.filter((e) => e.actor?.process?.pid === pid && burst.matches(e));
    // a process may move between CPUs (3 each), and a one-second window may roll over once
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(3 * 2 * cpus().length);
    await eventually(
      'rate-limited count in STATS',
      () =>
        sentinel.parts.latestStats()!.auditRateLimited - before >= BigInt(40 - sent.length) ||
        undefined,
      5_000,
    );
  });

  it('reports strace -p (PTRACE_SEIZE) and a python3 ptrace attach and poke (ptrace)', async () => {
    const target = background('sleep', '30');
    const strace = runPidFailing('timeout', '-s', 'INT', '1', 'strace', '-p', String(target));
    // timeout forks strace: the tracer is timeout's child, so match by request and target
    const seize = ruleFor(
      'ptrace',
      'PtraceRequest: PTRACE_SEIZE',
      `TargetProcessId: ${target}`,
      "Image|endswith: '/strace'",
    );
    const seized = await eventually(
      'strace -p',
      () => sentinel.events.find((e) => seize.matches(e)),
      15_000,
    );
    expect(seized.actor?.process?.parent?.pid).toBe(strace);

    const other = background('sleep', '30');
    const script = [
      'import ctypes, os, sys',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]',
      'pid = int(sys.argv[1])',
      'libc.ptrace(16, pid, None, None)',
      'os.waitpid(pid, 0)',
      'libc.ptrace(5, pid, None, None)',
      'libc.ptrace(17, pid, None, None)',
    ].join('\n');
    const pid = runPid(PYTHON, '-c', script, String(other));
    await matched(
      ruleFor('ptrace', 'PtraceRequest: PTRACE_ATTACH', `TargetProcessId: ${other}`, 'Result: 0'),
      pid,
      'attach',
    );
    // a poke at address 0 fails (EIO) and is still reported
    await matched(ruleFor('ptrace', 'PtraceRequest: PTRACE_POKEDATA', 'Result: -5'), pid, 'poke');
  });

  it('reports unshare + mount in a new mount namespace (namespace_change, mount)', async () => {
    const mnt = join(sentinel.dir, 'mnt');
    mkdirSync(mnt);
    const pid = runPid(
      'unshare',
      '-m',
      '--propagation',
      'private',
      'mount',
      '-t',
      'tmpfs',
      'omega-spec',
      mnt,
    );
    await matched(
      ruleFor('namespace_change', 'Syscall: unshare', 'Namespaces: CLONE_NEWNS'),
      pid,
      'unshare',
    );
    const mount = await matched(
      ruleFor('mount', `MountTarget: '${mnt}'`, 'FsType: tmpfs', 'MountSource: omega-spec'),
      pid,
      'mount',
    );
    expect(mount.actor?.process?.executablePath).toBe(realpathSync('/usr/bin/mount'));
  });

  it('reports nsenter into another network namespace (setns) and unshare -n -u', async () => {
    const holder = background('unshare', '-n', 'sleep', '30');
    await eventually(
      'namespace holder',
      () => {
        const own = readFileSync(`/proc/${holder}/comm`, 'utf8').trim();
        return own === 'sleep' || undefined;
      },
      5_000,
    );
    const pid = runPid('nsenter', `--net=/proc/${holder}/ns/net`, 'true');
    await matched(
      ruleFor('namespace_change', 'Syscall: setns', 'Namespaces: CLONE_NEWNET', 'Result: 0'),
      pid,
      'setns',
    );
    const both = runPid('unshare', '-n', '-u', 'true');
    const event = await matched(
      ruleFor('namespace_change', 'Syscall: unshare', 'Namespaces: CLONE_NEWUTS'),
      both,
      'unshare -n -u',
    );
    expect(event.payload?.$case === 'kernelActivity' && event.payload.value.namespaces).toEqual([
      'CLONE_NEWUTS',
      'CLONE_NEWNET',
    ]);
  });

  it('reports insmod of a bogus module (kernel_module, failed)', async () => {
    const bogus = join(sentinel.dir, 'bogus.ko');
    writeFileSync(bogus, 'not an ELF module\n');
    const pid = runPidFailing('insmod', bogus);
    const load = await matched(
      ruleFor('kernel_module', `ModulePath: '${bogus}'`, 'Syscall: finit_module'),
      pid,
      'insmod',
    );
    const result =
      load.payload?.$case === 'kernelExtensionActivity' ? load.payload.value.result : 0n;
    expect(result).toBeLessThan(0n); // ENOEXEC, or ENOSYS on a kernel without modules
  });

  it('reports a bpf() program load by another process (bpf_load), not the loader own', async () => {
    const script = [
      'import ctypes, struct',
      'libc = ctypes.CDLL(None, use_errno=True)',
      "insns = ctypes.create_string_buffer(struct.pack('<BBhiBBhi', 0xb7, 0, 0, 0, 0x95, 0, 0, 0))",
      "lic = ctypes.create_string_buffer(b'GPL')",
      'attr = ctypes.create_string_buffer(128)',
      "struct.pack_into('<IIQQ', attr, 0, 1, 2, ctypes.addressof(insns), ctypes.addressof(lic))",
      "attr[48:58] = b'omega_spec'",
      'assert libc.syscall(321, 5, attr, 128) >= 0',
    ].join('\n');
    const pid = runPid(PYTHON, '-c', script);
    const load = await matched(
      ruleFor('bpf_load', 'BpfProgType: socket_filter', 'BpfProgName: omega_spec'),
      pid,
      'bpf load',
    );
    expect(
      Number(load.payload?.$case === 'kernelActivity' && load.payload.value.result),
    ).toBeGreaterThan(0);
    const loader = sentinel.parts.loader!.pid!;
    expect(sentinel.events.filter((e) => isAudit(e) && e.actor?.process?.pid === loader)).toEqual(
      [],
    );
  });

  it('reports raw and packet sockets (raw_socket)', async () => {
    const script = [
      'import socket',
      'socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))',
      'socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)',
    ].join('\n');
    const pid = runPid(PYTHON, '-c', script);
    await matched(
      ruleFor(
        'raw_socket',
        'SocketFamily: AF_PACKET',
        'SocketType: SOCK_RAW',
        'SocketProtocol: 768',
      ),
      pid,
      'packet socket',
    );
    await matched(
      ruleFor('raw_socket', 'SocketFamily: AF_INET', 'SocketType: SOCK_RAW', 'SocketProtocol: 1'),
      pid,
      'raw socket',
    );
  });

  it('reports memfd_create and the execution of the memfd (memfd_create, memfd_exec)', async () => {
    const script = [
      'import os',
      "fd = os.memfd_create('omega-payload')",
      "os.write(fd, open('/usr/bin/true', 'rb').read())",
      "os.execv(f'/proc/self/fd/{fd}', ['payload'])",
    ].join('\n');
    const pid = runPid(PYTHON, '-c', script);
    await matched(ruleFor('memfd_create', 'MemfdName: omega-payload'), pid, 'memfd_create');
    const exec = await matched(
      ruleFor('memfd_exec', "Image|startswith: '/proc/self/fd/'", 'ExecFile: memfd:omega-payload'),
      pid,
      'memfd exec',
    );
    expect(exec.actor?.process?.cmdLine).toBe('payload');
  });

  it('raises nothing for benign commands', async () => {
    const pids = [
      runPid('ls', '/'),
      runPid('cat', '/etc/hostname'),
      runPid('id'),
      runPid('mount'),
      runPid('sh', '-c', 'true'),
      runPid(
        PYTHON,
        '-c',
        'import socket; socket.socket(); socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
      ),
    ];
    // a marker after them: once it is in, theirs would be too
    const marker = runPid(PYTHON, '-c', "import os; os.memfd_create('omega-marker')");
    await matched(ruleFor('memfd_create', 'MemfdName: omega-marker'), marker, 'marker');
    expect(
      sentinel.events.filter((e) => isAudit(e) && pids.includes(e.actor?.process?.pid ?? 0)),
    ).toEqual([]);
  });
});
