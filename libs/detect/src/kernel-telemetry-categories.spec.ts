// The sentinel's kernel telemetry as Sigma sees it: events shaped as the sentinel publishes them
// (written here by hand from the proto, not by the mapping) match rules written with the field
// names docs/sentinel-telemetry.md promises, and the document's tables list exactly the fields
// each category exposes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Event,
  EventClass,
  FileActivityId,
  KernelActivityId,
  KernelActivityKind,
  KernelExtensionActivityId,
  ProcessAction,
  ProcessActivityId,
} from '@omega/proto';
import {
  eventFromSigmaFields,
  loadRulePack,
  SIGMA_LOGSOURCE_MAPPINGS,
  sigmaFieldsOfEvent,
} from './index';

const CONTRACT = join(__dirname, '..', '..', '..', 'docs', 'sentinel-telemetry.md');

function rule(category: string, selection: string[]) {
  const text = [
    `title: ${category}`,
    'id: 5f0c1b7e-1a43-4f6f-9d7a-6c1f3b2a9e10',
    'level: high',
    `logsource: { product: linux, category: ${category} }`,
    'detection:',
    '  sel:',
    ...selection.map((s) => `    ${s}`),
    '  condition: sel',
  ].join('\n');
  const pack = loadRulePack([{ source: category, text }]);
  expect(pack.rejected.map((r) => r.reason)).toEqual([]);
  return pack.rules[0]!;
}

const actor = {
  process: {
    pid: 4242,
    name: 'python3',
    executablePath: '/usr/bin/python3.11',
    cmdLine: 'python3 -c x',
    parent: { pid: 1 },
  },
  user: { posixUid: 1000, posixGid: 1000, effectiveUid: 0 },
};

function event(classUid: EventClass, payload: Event['payload']): Event {
  return Event.fromPartial({ classUid, actor, payload, unmapped: { 'bpf.cgroup_id': '77' } });
}

const PROC = EventClass.EVENT_CLASS_PROCESS_ACTIVITY;
const KERN = EventClass.EVENT_CLASS_KERNEL_ACTIVITY;
const FILE = EventClass.EVENT_CLASS_FILE_ACTIVITY;

/** category → [an event as the sentinel publishes it, a matching selection, a selection it misses]. */
const CASES: Array<[string, Event, string[], string[]]> = [
  [
    'privilege_change',
    event(PROC, {
      $case: 'processActivity',
      value: {
        activityId: ProcessActivityId.PROCESS_ACTIVITY_ID_SET_USER_ID,
        action: ProcessAction.PROCESS_ACTION_PRIVILEGE_CHANGE,
        syscall: 'setresuid',
        result: -1n,
        requestedIds: [-1n, 0n, -1n],
        credentials: { uid: 1000, euid: 1000, gid: 1000, egid: 1000, capEffective: 0n },
      } as never,
    }),
    [
      'Syscall: setresuid',
      'TargetUid: 0',
      'Result: -1',
      "User: '1000'",
      "CapEffective: '0x0000000000000000'",
    ],
    ['EffectiveUid: 0'],
  ],
  [
    'ptrace',
    event(PROC, {
      $case: 'processActivity',
      value: {
        activityId: ProcessActivityId.PROCESS_ACTIVITY_ID_INJECT,
        action: ProcessAction.PROCESS_ACTION_PTRACE,
        syscall: 'ptrace',
        ptraceRequest: 'PTRACE_POKETEXT',
        process: { pid: 99 },
      } as never,
    }),
    ['PtraceRequest: PTRACE_POKETEXT', 'TargetProcessId: 99', 'ParentProcessId: 1'],
    ['PtraceRequest: PTRACE_ATTACH'],
  ],
  [
    'memfd_exec',
    event(PROC, {
      $case: 'processActivity',
      value: {
        activityId: ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH,
        action: ProcessAction.PROCESS_ACTION_MEMFD_EXEC,
        syscall: 'execve',
        execFile: 'memfd:x',
      } as never,
    }),
    ["ExecFile|startswith: 'memfd:'", "CommandLine|contains: '-c'"],
    ["ExecFile: 'memfd:y'"],
  ],
  [
    'enforcement',
    event(PROC, {
      $case: 'processActivity',
      value: {
        activityId: ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH,
        action: ProcessAction.PROCESS_ACTION_ENFORCEMENT,
        syscall: 'execve',
        enforcement: { policy: 'no-exec-from-tmp', action: 'sigkill', dryRun: true },
      } as never,
    }),
    ['Policy: no-exec-from-tmp', 'EnforcementAction: sigkill', 'EnforcementMode: dry-run'],
    ['EnforcementMode: enforce'],
  ],
  [
    'mount',
    event(KERN, {
      $case: 'kernelActivity',
      value: {
        activityId: KernelActivityId.KERNEL_ACTIVITY_ID_INVOKE,
        kind: KernelActivityKind.KERNEL_ACTIVITY_KIND_MOUNT,
        syscall: 'mount',
        mountSource: '/dev/sda1',
        mountTarget: '/mnt/host',
        mountFsType: 'ext4',
        mountFlags: 0n,
      } as never,
    }),
    ["MountSource: '/dev/sda1'", "MountTarget|startswith: '/mnt/'", 'FsType: ext4'],
    ['FsType: tmpfs'],
  ],
  [
    'namespace_change',
    event(KERN, {
      $case: 'kernelActivity',
      value: {
        activityId: KernelActivityId.KERNEL_ACTIVITY_ID_INVOKE,
        kind: KernelActivityKind.KERNEL_ACTIVITY_KIND_NAMESPACE_CHANGE,
        syscall: 'setns',
        namespaces: ['CLONE_NEWNS', 'CLONE_NEWPID'],
      } as never,
    }),
    ['Syscall: setns', 'Namespaces: CLONE_NEWPID'],
    ['Namespaces: CLONE_NEWNET'],
  ],
  [
    'bpf_load',
    event(KERN, {
      $case: 'kernelActivity',
      value: {
        activityId: KernelActivityId.KERNEL_ACTIVITY_ID_INVOKE,
        kind: KernelActivityKind.KERNEL_ACTIVITY_KIND_BPF_PROG_LOAD,
        syscall: 'bpf',
        result: 7n,
        bpfProgType: 'kprobe',
        bpfProgName: 'hide_pid',
      } as never,
    }),
    ['BpfProgType: kprobe', 'BpfProgName: hide_pid', "Image|endswith: '/python3.11'"],
    ['BpfProgType: xdp'],
  ],
  [
    'raw_socket',
    event(KERN, {
      $case: 'kernelActivity',
      value: {
        activityId: KernelActivityId.KERNEL_ACTIVITY_ID_INVOKE,
        kind: KernelActivityKind.KERNEL_ACTIVITY_KIND_RAW_SOCKET,
        syscall: 'socket',
        socketFamily: 'AF_PACKET',
        socketType: 'SOCK_RAW',
        socketProtocol: 768,
      } as never,
    }),
    ['SocketFamily: AF_PACKET', 'SocketType: SOCK_RAW', 'SocketProtocol: 768'],
    ['SocketFamily: AF_INET'],
  ],
  [
    'memfd_create',
    event(KERN, {
      $case: 'kernelActivity',
      value: {
        activityId: KernelActivityId.KERNEL_ACTIVITY_ID_CREATE,
        kind: KernelActivityKind.KERNEL_ACTIVITY_KIND_MEMFD_CREATE,
        syscall: 'memfd_create',
        memfdName: '',
        memfdFlags: 1,
      } as never,
    }),
    ['MemfdFlags: 1', 'Uid: 1000', 'Gid: 1000'],
    ['MemfdName: x'],
  ],
  [
    'kernel_module',
    event(EventClass.EVENT_CLASS_KERNEL_EXTENSION_ACTIVITY, {
      $case: 'kernelExtensionActivity',
      value: {
        activityId: KernelExtensionActivityId.KERNEL_EXTENSION_ACTIVITY_ID_LOAD,
        path: '/tmp/x.ko',
        params: '',
        syscall: 'finit_module',
        result: -8n,
      },
    }),
    ["ModulePath|endswith: '.ko'", 'Result: -8'],
    ['ModuleParams: hide=1'],
  ],
  [
    'file_event',
    event(FILE, {
      $case: 'fileActivity',
      value: {
        activityId: FileActivityId.FILE_ACTIVITY_ID_CREATE,
        file: { path: '/etc/cron.d/x', name: 'x' },
        syscall: 'openat',
      } as never,
    }),
    ["TargetFilename|startswith: '/etc/cron.d/'", 'ProcessId: 4242'],
    ["TargetFilename: '/etc/passwd'"],
  ],
  [
    'file_rename',
    event(FILE, {
      $case: 'fileActivity',
      value: {
        activityId: FileActivityId.FILE_ACTIVITY_ID_RENAME,
        file: { path: '/tmp/x', name: 'x' },
        fileResult: { path: '/usr/bin/x', name: 'x' },
      } as never,
    }),
    ["SourceFilename: '/tmp/x'", "TargetFilename: '/usr/bin/x'"],
    ["TargetFilename: '/tmp/x'"],
  ],
  [
    'file_delete',
    event(FILE, {
      $case: 'fileActivity',
      value: {
        activityId: FileActivityId.FILE_ACTIVITY_ID_DELETE,
        file: { path: '/var/log/wtmp' },
      } as never,
    }),
    ["TargetFilename: '/var/log/wtmp'"],
    ["TargetFilename: '/var/log/btmp'"],
  ],
  [
    'file_change',
    event(FILE, {
      $case: 'fileActivity',
      value: {
        activityId: FileActivityId.FILE_ACTIVITY_ID_SET_ATTRIBUTES,
        file: { path: '/usr/bin/find' },
        mode: 0o4755,
      } as never,
    }),
    ["FileMode|startswith: '4'", "TargetFilename: '/usr/bin/find'"],
    ['OwnerUid: 0'],
  ],
  [
    'file_access',
    event(FILE, {
      $case: 'fileActivity',
      value: {
        activityId: FileActivityId.FILE_ACTIVITY_ID_OPEN,
        file: { path: '/etc/shadow' },
        openFlags: 0o400000,
      } as never,
    }),
    ["TargetFilename: '/etc/shadow'", 'OpenFlags: O_RDONLY'],
    ['OpenFlags: O_WRONLY'],
  ],
  [
    'file_integrity',
    event(FILE, {
      $case: 'fileActivity',
      value: {
        activityId: FileActivityId.FILE_ACTIVITY_ID_UPDATE,
        file: { path: '/etc/passwd', sha256: Buffer.alloc(32, 0xab) },
        fileResult: { path: '/etc/passwd', sha256: Buffer.alloc(32, 0xcd), mode: 0o666 },
        integrityChanges: ['content', 'mode'],
      } as never,
    }),
    [
      "TargetFilename: '/etc/passwd'",
      'Changes: content',
      `Sha256: '${'cd'.repeat(32)}'`,
      `PreviousSha256: '${'ab'.repeat(32)}'`,
      "FileMode: '666'",
    ],
    ['Changes: created'],
  ],
];

describe('kernel telemetry categories (docs/sentinel-telemetry.md)', () => {
  it.each(CASES)(
    '%s: the contract names match an event as published, and a wrong value does not',
    (category, e, hit, miss) => {
      expect(rule(category, hit).matches(e)).toBe(true);
      expect(rule(category, miss).matches(e)).toBe(false);
      // no other of these categories takes the event
      const takers = CASES.map(([c]) => c).filter((c) =>
        SIGMA_LOGSOURCE_MAPPINGS.get(c)!.accepts(e),
      );
      expect(takers).toEqual([category]);
    },
  );

  it('keeps process_creation to plain launches (a memfd exec or setuid exec is not one)', () => {
    const processCreation = SIGMA_LOGSOURCE_MAPPINGS.get('process_creation')!;
    for (const [, e] of CASES) expect(processCreation.accepts(e)).toBe(false);
  });

  it('lists in the contract exactly the fields each category exposes', () => {
    const doc = readFileSync(CONTRACT, 'utf8');
    const common = [
      ...doc.matchAll(/^\| `(\w+)`(?:, `(\w+)`)? \| `?(?:actor|the system|its return|node)/gm),
    ];
    const commonNames = new Set(common.flatMap((m) => [m[1]!, m[2]].filter(Boolean) as string[]));
    for (const [category] of CASES) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${category}\``))!;
      const own = row.split('|')[4]!;
      const documented = [...own.matchAll(/`([A-Z][a-z]\w*)`/g)]
        .map((m) => m[1]!)
        .filter((name) => !commonNames.has(name));
      const exposed = [...SIGMA_LOGSOURCE_MAPPINGS.get(category)!.fields.keys()].filter(
        (name) => !name.startsWith('omega.') && !commonNames.has(name),
      );
      expect({ category, fields: [...new Set(documented)].sort() }).toEqual({
        category,
        fields: exposed.sort(),
      });
    }
  });

  it('writes and reads back every field of every category (rule samples build events with them)', () => {
    for (const [category] of CASES) {
      const mapping = SIGMA_LOGSOURCE_MAPPINGS.get(category)!;
      for (const [name, field] of mapping.fields) {
        const value =
          field.type === 'number'
            ? 7
            : name === 'FileMode'
              ? '755'
              : name === 'User'
                ? 'alice'
                : name === 'OpenFlags'
                  ? 'O_WRONLY'
                  : name === 'CapEffective'
                    ? '0x0000000000000007'
                    : name.endsWith('Sha256')
                      ? 'ab'.repeat(32)
                      : name === 'EnforcementMode'
                        ? 'dry-run'
                        : `v-${name}`;
        const fields = sigmaFieldsOfEvent(
          category,
          eventFromSigmaFields(category, { [name]: value }),
        );
        const read = fields[name];
        expect({ name, read: Array.isArray(read) ? read : [read] }).toEqual({
          name,
          read: [value],
        });
      }
    }
  });
});
