// The sentinel's kernel telemetry (docs/sentinel-telemetry.md) as Sigma logsources: file
// operations under Sigma's file_* categories, and Omega categories for what Sigma's Linux taxonomy
// has no name for (privilege_change, ptrace, mount, namespace_change, kernel_module, bpf_load,
// raw_socket, memfd_create, memfd_exec). field-mapping.ts adds these to its table.
import {
  Credentials,
  Enforcement,
  Event,
  EventClass,
  FileActivity,
  FileActivityId,
  KernelActivity,
  KernelActivityId,
  KernelActivityKind,
  KernelExtensionActivity,
  KernelExtensionActivityId,
  Process,
  ProcessAction,
  ProcessActivity,
  ProcessActivityId,
} from '@omega/proto';
import type { FieldValue, SigmaLogsourceMapping } from './field-mapping';
import {
  actorFields,
  kernelOf,
  moduleOf,
  need,
  num,
  processOf,
  str,
  type FieldSpec,
  type Payload,
} from './field-mapping-actor';
import {
  fileAccessFields,
  fileIntegrityFields,
  fileChangeFields,
  fileCreateFields,
  fileRenameFields,
} from './field-mapping-files';

/** What field-mapping.ts lends: its category factory (slots are numbered there). */
export type CategoryFactory = (
  name: string,
  eventClass: EventClass,
  accepts: (event: Event) => boolean,
  newEvent: () => Event,
  specs: Record<string, FieldSpec>,
) => SigmaLogsourceMapping;

// --- process activity: privilege_change, ptrace, memfd_exec ---

const proc = processOf;
const procW = (e: Event): ProcessActivity => need(processOf(e), 'process');
const creds = (e: Event): Credentials => (procW(e).credentials ??= Credentials.fromPartial({}));

/** The id asked for: the effective one when given (setre*id, setres*id), else the first. */
function requested(e: Event, prefix: 'setuid' | 'setgid'): number | undefined {
  const p = proc(e);
  const ids = p?.requestedIds ?? [];
  const uid = prefix === 'setuid';
  if (!p || !(uid ? /uid$/ : /gid$/).test(p.syscall)) return undefined;
  const pick = ids.length >= 2 && ids[1] !== -1n ? ids[1] : ids[0];
  return pick === undefined || pick === -1n ? undefined : Number(pick);
}

const privilegeFields: Record<string, FieldSpec> = {
  ...actorFields,
  EffectiveUid: num(
    'process_activity.credentials.euid',
    (e) => proc(e)?.credentials?.euid,
    (e, v) => void (creds(e).euid = v),
  ),
  EffectiveGid: num(
    'process_activity.credentials.egid',
    (e) => proc(e)?.credentials?.egid,
    (e, v) => void (creds(e).egid = v),
  ),
  TargetUid: num(
    'process_activity.requested_ids (uid calls)',
    (e) => requested(e, 'setuid'),
    (e, v) => {
      procW(e).syscall ||= 'setuid';
      procW(e).requestedIds = [BigInt(v)];
    },
  ),
  TargetGid: num(
    'process_activity.requested_ids (gid calls)',
    (e) => requested(e, 'setgid'),
    (e, v) => {
      procW(e).syscall ||= 'setgid';
      procW(e).requestedIds = [BigInt(v)];
    },
  ),
  CapEffective: str(
    'process_activity.credentials.cap_effective (hex, 0x + 16 digits)',
    (e) => {
      const caps = proc(e)?.credentials?.capEffective;
      return caps === undefined ? undefined : `0x${caps.toString(16).padStart(16, '0')}`;
    },
    (e, v) => void (creds(e).capEffective = BigInt(v)),
  ),
};

const ptraceFields: Record<string, FieldSpec> = {
  ...actorFields,
  PtraceRequest: str(
    'process_activity.ptrace_request',
    (e) => proc(e)?.ptraceRequest,
    (e, v) => void (procW(e).ptraceRequest = v),
  ),
  TargetProcessId: num(
    'process_activity.process.pid',
    (e) => proc(e)?.process?.pid || undefined,
    (e, v) => void (procW(e).process = Process.fromPartial({ pid: v })),
  ),
};

const memfdExecFields: Record<string, FieldSpec> = {
  ...actorFields,
  ExecFile: str(
    'process_activity.exec_file',
    (e) => proc(e)?.execFile,
    (e, v) => void (procW(e).execFile = v),
  ),
};

const enforcementFields: Record<string, FieldSpec> = {
  ...actorFields,
  Policy: str(
    'process_activity.enforcement.policy',
    (e) => proc(e)?.enforcement?.policy,
    (e, v) => void ((procW(e).enforcement ??= Enforcement.fromPartial({})).policy = v),
  ),
  EnforcementAction: str(
    'process_activity.enforcement.action',
    (e) => proc(e)?.enforcement?.action,
    (e, v) => void ((procW(e).enforcement ??= Enforcement.fromPartial({})).action = v),
  ),
  EnforcementMode: str(
    'process_activity.enforcement.dry_run (enforce or dry-run)',
    (e) => {
      const enforcement = proc(e)?.enforcement;
      return enforcement ? (enforcement.dryRun ? 'dry-run' : 'enforce') : undefined;
    },
    (e, v) =>
      void ((procW(e).enforcement ??= Enforcement.fromPartial({})).dryRun = v === 'dry-run'),
  ),
};

// --- kernel activity and kernel extension activity ---

const kern = kernelOf;
const kernW = (e: Event): KernelActivity => need(kernelOf(e), 'kernel');
type KernelText =
  | 'mountSource'
  | 'mountTarget'
  | 'mountFsType'
  | 'bpfProgType'
  | 'bpfProgName'
  | 'socketFamily'
  | 'socketType'
  | 'memfdName';

function kernelText(field: KernelText, proto: string): FieldSpec {
  return str(
    `kernel_activity.${proto}`,
    (e) => kern(e)?.[field],
    (e, v) => void (kernW(e)[field] = v),
  );
}

const mountFields: Record<string, FieldSpec> = {
  ...actorFields,
  MountSource: kernelText('mountSource', 'mount_source'),
  MountTarget: kernelText('mountTarget', 'mount_target'),
  FsType: kernelText('mountFsType', 'mount_fs_type'),
  MountFlags: num(
    'kernel_activity.mount_flags',
    (e) => kern(e)?.mountFlags,
    (e, v) => void (kernW(e).mountFlags = BigInt(v)),
  ),
};

const namespaceFields: Record<string, FieldSpec> = {
  ...actorFields,
  Namespaces: {
    omegaField: 'kernel_activity.namespaces (any)',
    type: 'strings',
    read: (e): FieldValue => {
      const list = kern(e)?.namespaces;
      return list && list.length > 0 ? list : undefined;
    },
    write: (e, v) => void kernW(e).namespaces.push(String(v)),
  },
};

const bpfFields: Record<string, FieldSpec> = {
  ...actorFields,
  BpfProgType: kernelText('bpfProgType', 'bpf_prog_type'),
  BpfProgName: kernelText('bpfProgName', 'bpf_prog_name'),
};

const socketFields: Record<string, FieldSpec> = {
  ...actorFields,
  SocketFamily: kernelText('socketFamily', 'socket_family'),
  SocketType: kernelText('socketType', 'socket_type'),
  SocketProtocol: num(
    'kernel_activity.socket_protocol',
    (e) => kern(e)?.socketProtocol,
    (e, v) => void (kernW(e).socketProtocol = v),
  ),
};

const memfdFields: Record<string, FieldSpec> = {
  ...actorFields,
  MemfdName: kernelText('memfdName', 'memfd_name'),
  MemfdFlags: num(
    'kernel_activity.memfd_flags',
    (e) => kern(e)?.memfdFlags,
    (e, v) => void (kernW(e).memfdFlags = v),
  ),
};

const moduleFields: Record<string, FieldSpec> = {
  ...actorFields,
  ModulePath: str(
    'kernel_extension_activity.path',
    (e) => moduleOf(e)?.path,
    (e, v) => void (need(moduleOf(e), 'kernel module').path = v),
  ),
  ModuleParams: str(
    'kernel_extension_activity.params',
    (e) => moduleOf(e)?.params,
    (e, v) => void (need(moduleOf(e), 'kernel module').params = v),
  ),
};

function newEvent(classUid: EventClass, payload: Payload): () => Event {
  return () => Event.fromPartial({ severity: 1, classUid, payload });
}

/** The categories, built with field-mapping.ts's factory. */
export function systemCategories(category: CategoryFactory): SigmaLogsourceMapping[] {
  const PROC = EventClass.EVENT_CLASS_PROCESS_ACTIVITY;
  const KERN = EventClass.EVENT_CLASS_KERNEL_ACTIVITY;
  const FILE = EventClass.EVENT_CLASS_FILE_ACTIVITY;
  const processCategory = (
    name: string,
    actions: ProcessAction[],
    activityId: ProcessActivityId,
    fields: Record<string, FieldSpec>,
  ): SigmaLogsourceMapping =>
    category(
      name,
      PROC,
      (e) => e.payload?.$case === 'processActivity' && actions.includes(e.payload.value.action),
      newEvent(PROC, {
        $case: 'processActivity',
        value: ProcessActivity.fromPartial({ activityId, action: actions[0] }),
      }),
      fields,
    );
  const kernelCategory = (
    name: string,
    kind: KernelActivityKind,
    fields: Record<string, FieldSpec>,
  ) =>
    category(
      name,
      KERN,
      (e) => e.payload?.$case === 'kernelActivity' && e.payload.value.kind === kind,
      newEvent(KERN, {
        $case: 'kernelActivity',
        value: KernelActivity.fromPartial({
          activityId: KernelActivityId.KERNEL_ACTIVITY_ID_INVOKE,
          kind,
        }),
      }),
      fields,
    );
  const fileCategory = (
    name: string,
    activityId: FileActivityId,
    fields: Record<string, FieldSpec>,
  ) =>
    category(
      name,
      FILE,
      (e) => e.payload?.$case === 'fileActivity' && e.payload.value.activityId === activityId,
      newEvent(FILE, { $case: 'fileActivity', value: FileActivity.fromPartial({ activityId }) }),
      fields,
    );
  return [
    processCategory(
      'privilege_change',
      [ProcessAction.PROCESS_ACTION_PRIVILEGE_CHANGE, ProcessAction.PROCESS_ACTION_EXEC_SETID],
      ProcessActivityId.PROCESS_ACTIVITY_ID_SET_USER_ID,
      privilegeFields,
    ),
    processCategory(
      'ptrace',
      [ProcessAction.PROCESS_ACTION_PTRACE],
      ProcessActivityId.PROCESS_ACTIVITY_ID_OPEN,
      ptraceFields,
    ),
    processCategory(
      'enforcement',
      [ProcessAction.PROCESS_ACTION_ENFORCEMENT],
      ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH,
      enforcementFields,
    ),
    processCategory(
      'memfd_exec',
      [ProcessAction.PROCESS_ACTION_MEMFD_EXEC],
      ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH,
      memfdExecFields,
    ),
    kernelCategory('mount', KernelActivityKind.KERNEL_ACTIVITY_KIND_MOUNT, mountFields),
    kernelCategory(
      'namespace_change',
      KernelActivityKind.KERNEL_ACTIVITY_KIND_NAMESPACE_CHANGE,
      namespaceFields,
    ),
    kernelCategory('bpf_load', KernelActivityKind.KERNEL_ACTIVITY_KIND_BPF_PROG_LOAD, bpfFields),
    kernelCategory('raw_socket', KernelActivityKind.KERNEL_ACTIVITY_KIND_RAW_SOCKET, socketFields),
    kernelCategory(
      'memfd_create',
      KernelActivityKind.KERNEL_ACTIVITY_KIND_MEMFD_CREATE,
      memfdFields,
    ),
    category(
      'kernel_module',
      EventClass.EVENT_CLASS_KERNEL_EXTENSION_ACTIVITY,
      (e) => e.payload?.$case === 'kernelExtensionActivity',
      newEvent(EventClass.EVENT_CLASS_KERNEL_EXTENSION_ACTIVITY, {
        $case: 'kernelExtensionActivity',
        value: KernelExtensionActivity.fromPartial({
          activityId: KernelExtensionActivityId.KERNEL_EXTENSION_ACTIVITY_ID_LOAD,
        }),
      }),
      moduleFields,
    ),
    fileCategory('file_event', FileActivityId.FILE_ACTIVITY_ID_CREATE, fileCreateFields),
    fileCategory('file_rename', FileActivityId.FILE_ACTIVITY_ID_RENAME, fileRenameFields),
    fileCategory('file_delete', FileActivityId.FILE_ACTIVITY_ID_DELETE, fileCreateFields),
    fileCategory('file_change', FileActivityId.FILE_ACTIVITY_ID_SET_ATTRIBUTES, fileChangeFields),
    fileCategory('file_access', FileActivityId.FILE_ACTIVITY_ID_OPEN, fileAccessFields),
    fileCategory('file_integrity', FileActivityId.FILE_ACTIVITY_ID_UPDATE, fileIntegrityFields),
  ];
}
