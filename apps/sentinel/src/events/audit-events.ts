// Maps the loader's AUDIT frames (audit.bpf.c) to OCSF-shaped Events, as docs/sentinel-telemetry.md
// names them: privilege changes, ptrace and memfd exec as Process Activity, module loads as Kernel
// Extension Activity, mounts, namespace changes, bpf loads, raw sockets and memfd_create as Kernel
// Activity, file operations under watched prefixes as File System Activity, and what an
// in-kernel enforcement policy did (or would have done) as Process Activity ENFORCEMENT.
import {
  EventClass,
  FileActivity,
  FileActivityId,
  KernelActivity,
  KernelActivityId,
  KernelActivityKind,
  KernelExtensionActivityId,
  ProcessAction,
  ProcessActivity,
  ProcessActivityId,
  Severity,
  type Event,
  File,
  Process,
} from '@omega/proto';
import { uuidv7 } from './event-id';
import { AuditOp } from '../wire/audit-frames';
import type { AuditFrame } from '../wire/loader-frames';
import {
  bpfProgTypeName,
  namespaceNames,
  ptraceRequestName,
  ptraceWrites,
  socketFamilyName,
  socketTypeName,
} from './audit-names';

/** Which telemetry subject an AUDIT frame's event goes to. */
export function auditSubjectKind(frame: AuditFrame): 'file' | 'process' {
  return frame.op >= AuditOp.FileCreate && frame.op <= AuditOp.FileChown ? 'file' : 'process';
}

/** Names an ENFORCE record's policy id (the loader's), as sentinel.enforcement configured it. */
export type EnforcementPolicyName = (policyId: number) => string | undefined;

const UNCHANGED = 0xffffffffn;

/** The ids a set*id call asked for, in call order; -1 for "unchanged". */
function requestedIds(frame: AuditFrame): bigint[] {
  const n = { setuid: 1, setgid: 1, setfsuid: 1, setfsgid: 1, setreuid: 2, setregid: 2 }[
    frame.syscall
  ];
  const count = n ?? (frame.syscall.startsWith('setres') ? 3 : 0);
  return frame.args.slice(0, count).map((id) => (id === UNCHANGED ? -1n : id));
}

function actorProcess(frame: AuditFrame): Process {
  const user = {
    name: '',
    posixUid: frame.uid,
    posixGid: frame.gid,
    effectiveUid: frame.euid,
    groups: [],
  };
  return {
    pid: frame.pid,
    uid: '',
    name: frame.comm,
    // a memfd has no path: the path exec'd names what ran
    executablePath: frame.op === AuditOp.MemfdExec ? frame.path : frame.exe,
    args: frame.argv,
    cmdLine: frame.argv.join(' '),
    workingDirectory: '',
    startTimeNs: 0n,
    executableSha256: Buffer.alloc(0),
    user,
    parent: Process.fromPartial({ pid: frame.ppid }),
  };
}

function file(path: string): File {
  return File.fromPartial({ path, name: path.slice(path.lastIndexOf('/') + 1) });
}

type Payload = NonNullable<Event['payload']>;

function payloadOf(
  frame: AuditFrame,
  actor: Process,
  policyName: EnforcementPolicyName,
): [EventClass, Payload, string] {
  const common = { syscall: frame.syscall, result: frame.result };
  const [a0, a1, a2] = frame.args.map(Number) as [number, number, number];
  const processActivity = (
    activityId: ProcessActivityId,
    action: ProcessAction,
    extra: Partial<ProcessActivity>,
  ): Payload => ({
    $case: 'processActivity',
    value: ProcessActivity.fromPartial({ activityId, action, ...common, ...extra }),
  });
  const kernel = (kind: KernelActivityKind, extra: Partial<KernelActivity>): Payload => ({
    $case: 'kernelActivity',
    value: KernelActivity.fromPartial({
      activityId:
        kind === KernelActivityKind.KERNEL_ACTIVITY_KIND_MEMFD_CREATE
          ? KernelActivityId.KERNEL_ACTIVITY_ID_CREATE
          : KernelActivityId.KERNEL_ACTIVITY_ID_INVOKE,
      kind,
      ...common,
      ...extra,
    }),
  });
  const fileActivity = (activityId: FileActivityId, extra: Partial<FileActivity>): Payload => ({
    $case: 'fileActivity',
    value: FileActivity.fromPartial({ activityId, file: file(frame.path), ...common, ...extra }),
  });
  const credentials = { uid: frame.uid, euid: frame.euid, gid: frame.gid, egid: frame.egid };
  const creds = { credentials: { ...credentials, capEffective: frame.capEffective } };
  const PROC = EventClass.EVENT_CLASS_PROCESS_ACTIVITY;
  const KERN = EventClass.EVENT_CLASS_KERNEL_ACTIVITY;
  const FILE = EventClass.EVENT_CLASS_FILE_ACTIVITY;
  const SET_USER_ID = ProcessActivityId.PROCESS_ACTIVITY_ID_SET_USER_ID;
  switch (frame.op) {
    case AuditOp.PrivilegeChange:
      return [
        PROC,
        processActivity(SET_USER_ID, ProcessAction.PROCESS_ACTION_PRIVILEGE_CHANGE, {
          ...creds,
          requestedIds: requestedIds(frame),
        }),
        `${frame.syscall}(${requestedIds(frame).join(', ')}) = ${frame.result}`,
      ];
    case AuditOp.ExecSetid:
      return [
        PROC,
        processActivity(SET_USER_ID, ProcessAction.PROCESS_ACTION_EXEC_SETID, {
          ...creds,
          process: actor,
        }),
        `exec ${frame.path} with new credentials (uid ${frame.uid} euid ${frame.euid}, gid ${frame.gid} egid ${frame.egid})`,
      ];
    case AuditOp.Ptrace:
      return [
        PROC,
        processActivity(
          ptraceWrites(a0)
            ? ProcessActivityId.PROCESS_ACTIVITY_ID_INJECT
            : ProcessActivityId.PROCESS_ACTIVITY_ID_OPEN,
          ProcessAction.PROCESS_ACTION_PTRACE,
          {
            ptraceRequest: ptraceRequestName(a0),
            process: frame.targetPid ? Process.fromPartial({ pid: frame.targetPid }) : undefined,
          },
        ),
        `ptrace(${ptraceRequestName(a0)}, ${frame.targetPid}) = ${frame.result}`,
      ];
    case AuditOp.MemfdExec:
      return [
        PROC,
        processActivity(
          ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH,
          ProcessAction.PROCESS_ACTION_MEMFD_EXEC,
          { execFile: frame.extra, process: actor },
        ),
        `exec ${frame.path} from memory (${frame.extra})`,
      ];
    case AuditOp.Enforce: {
      const policy = policyName(a0) ?? `policy#${a0}`;
      const dryRun = a1 !== 0;
      return [
        PROC,
        processActivity(
          ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH,
          ProcessAction.PROCESS_ACTION_ENFORCEMENT,
          { process: actor, enforcement: { policy, action: 'sigkill', dryRun } },
        ),
        `enforcement ${policy}: ${dryRun ? 'would SIGKILL (dry run)' : 'SIGKILL'} exec of ${frame.path}`,
      ];
    }
    case AuditOp.Module:
      return [
        EventClass.EVENT_CLASS_KERNEL_EXTENSION_ACTIVITY,
        {
          $case: 'kernelExtensionActivity',
          value: {
            activityId: KernelExtensionActivityId.KERNEL_EXTENSION_ACTIVITY_ID_LOAD,
            path: frame.path,
            params: frame.extra,
            ...common,
          },
        },
        `${frame.syscall}(${frame.path || `${a0}-byte image`}) = ${frame.result}`,
      ];
    case AuditOp.Mount:
      return [
        KERN,
        kernel(KernelActivityKind.KERNEL_ACTIVITY_KIND_MOUNT, {
          mountSource: frame.path2,
          mountTarget: frame.path,
          mountFsType: frame.extra,
          mountFlags: frame.args[0],
        }),
        `${frame.syscall} ${frame.path2} on ${frame.path}${frame.extra ? ` type ${frame.extra}` : ''} = ${frame.result}`,
      ];
    case AuditOp.Namespace: {
      const setns = frame.syscall === 'setns';
      const namespaces = namespaceNames(setns ? a1 : a0, setns);
      return [
        KERN,
        kernel(KernelActivityKind.KERNEL_ACTIVITY_KIND_NAMESPACE_CHANGE, { namespaces }),
        `${frame.syscall}(${namespaces.join('|')}${setns && frame.extra ? `, ${frame.extra}` : ''}) = ${frame.result}`,
      ];
    }
    case AuditOp.BpfLoad:
      return [
        KERN,
        kernel(KernelActivityKind.KERNEL_ACTIVITY_KIND_BPF_PROG_LOAD, {
          bpfProgType: bpfProgTypeName(a0),
          bpfProgName: frame.extra,
        }),
        `bpf(BPF_PROG_LOAD, ${bpfProgTypeName(a0)} '${frame.extra}') = ${frame.result}`,
      ];
    case AuditOp.RawSocket:
      return [
        KERN,
        kernel(KernelActivityKind.KERNEL_ACTIVITY_KIND_RAW_SOCKET, {
          socketFamily: socketFamilyName(a0),
          socketType: socketTypeName(a1),
          socketProtocol: a2,
        }),
        `socket(${socketFamilyName(a0)}, ${socketTypeName(a1)}, ${a2}) = ${frame.result}`,
      ];
    case AuditOp.MemfdCreate:
      return [
        KERN,
        kernel(KernelActivityKind.KERNEL_ACTIVITY_KIND_MEMFD_CREATE, {
          memfdName: frame.extra,
          memfdFlags: a0,
        }),
        `memfd_create('${frame.extra}') = ${frame.result}`,
      ];
    case AuditOp.FileCreate: {
      const byOpen = frame.syscall.startsWith('open') || frame.syscall === 'creat';
      return [
        FILE,
        fileActivity(FileActivityId.FILE_ACTIVITY_ID_CREATE, { openFlags: byOpen ? a0 : 0 }),
        `${frame.syscall} ${frame.path}`,
      ];
    }
    case AuditOp.FileRename:
      return [
        FILE,
        fileActivity(FileActivityId.FILE_ACTIVITY_ID_RENAME, { fileResult: file(frame.path2) }),
        `${frame.syscall} ${frame.path} to ${frame.path2}`,
      ];
    case AuditOp.FileDelete:
      return [
        FILE,
        fileActivity(FileActivityId.FILE_ACTIVITY_ID_DELETE, {}),
        `${frame.syscall} ${frame.path}`,
      ];
    case AuditOp.FileChmod:
      return [
        FILE,
        fileActivity(FileActivityId.FILE_ACTIVITY_ID_SET_ATTRIBUTES, { mode: a0 & 0o7777 }),
        `${frame.syscall} ${(a0 & 0o7777).toString(8)} ${frame.path}`,
      ];
    case AuditOp.FileChown:
    default: {
      const owner = (id: bigint): number | undefined =>
        (id & UNCHANGED) === UNCHANGED ? undefined : Number(id & UNCHANGED);
      return [
        FILE,
        fileActivity(FileActivityId.FILE_ACTIVITY_ID_SET_ATTRIBUTES, {
          ownerUid: owner(frame.args[0]),
          ownerGid: owner(frame.args[1]),
        }),
        `${frame.syscall} ${frame.args[0]}:${frame.args[1]} ${frame.path}`,
      ];
    }
  }
}

/** The Event of one AUDIT frame, with the acting process and its cgroup id (the workload's key). */
export function auditEvent(
  frame: AuditFrame,
  node: string,
  policyName: EnforcementPolicyName = () => undefined,
): Event {
  const actor = actorProcess(frame);
  const [classUid, payload, what] = payloadOf(frame, actor, policyName);
  const unmapped: Record<string, string> = { 'bpf.cgroup_id': frame.cgroupId.toString() };
  if (frame.watchId) unmapped['file.prefix_id'] = String(frame.watchId);
  return {
    id: uuidv7(Number(frame.timeNs / 1_000_000n)),
    timeNs: frame.timeNs,
    classUid,
    // an enforcement action is worth a look whether or not it was taken
    severity:
      frame.op === AuditOp.Enforce ? Severity.SEVERITY_HIGH : Severity.SEVERITY_INFORMATIONAL,
    message: `${what} by ${frame.comm} (pid ${frame.pid}, uid ${frame.uid})`,
    actor: { process: actor, user: actor.user },
    srcEndpoint: undefined,
    dstEndpoint: undefined,
    node,
    workload: undefined,
    unmapped,
    rawData: Buffer.alloc(0),
    payload,
  };
}
