// Realistic values of every common.proto message, written twice by hand: as ts-proto objects and in
// protobufjs's toObject form (longs and enums as strings, bytes as base64). Specs use one side as
// input and the other as the expected value, so neither is computed by the code under test.
// Over 400 lines on purpose: every common.proto message twice, side by side, so a new field is added to both forms in one place.
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import {
  Actor,
  Alert,
  AlertReason,
  AlertStatus,
  AuditRef,
  BatchRef,
  DeceptionInteraction,
  DecoyKind,
  DetectorKind,
  Diagnostic,
  DiagnosticSeverity,
  DnsActivity,
  DnsActivityId,
  DnsAnswer,
  DnsQuery,
  Entity,
  EntityKind,
  Event,
  EventBatch,
  EventClass,
  EvidenceRef,
  Credentials,
  Enforcement,
  File,
  FileActivity,
  FileActivityId,
  KernelActivity,
  KernelActivityId,
  KernelActivityKind,
  KernelExtensionActivity,
  KernelExtensionActivityId,
  HybridSignature,
  IdentityRef,
  Incident,
  IncidentStatus,
  InteractionKind,
  IpProtocol,
  NetworkActivity,
  NetworkActivityId,
  NetworkDirection,
  NetworkEndpoint,
  NetworkTraffic,
  Process,
  ProcessAction,
  ProcessActivity,
  ProcessActivityId,
  Severity,
  TimeRange,
  User,
  Workload,
  type MessageType,
} from './index';

/** The .proto sources, read by the independent implementations (protobufjs, proto-loader). */
export const protoRoot = join(__dirname, '..', '..', '..', 'proto');

/** Every .proto file of the contract, relative to protoRoot. */
export const protoFiles = [
  'common',
  'trust',
  'intelligence',
  'orchestrator',
  'deception',
  'twin',
  'sentinel',
  'gateway',
].map((name) => `omega/v1/${name}.proto`);

/** Loads the contract with protobufjs, resolving imports under protoRoot. */
export function loadProtobufjsRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoRoot, target);
  root.loadSync(protoFiles, { keepCase: false });
  root.resolveAll();
  return root;
}

/** protobufjs toObject options matching the `pb` side of the fixtures. */
export const toObjectOptions: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  defaults: false,
  oneofs: false,
};

/** One message value in both shapes. */
export interface Fixture<T> {
  /** What the value stands for, for test names. */
  readonly name: string;
  readonly type: MessageType<T>;
  /** The complete ts-proto object, every field present (as ts-proto decodes it). */
  readonly ts: T;
  /** protobufjs toObject form: only fields that are on the wire. */
  readonly pb: Record<string, unknown>;
}

const hex = (value: string): Buffer => Buffer.from(value, 'hex');
const base64 = (value: string): string => Buffer.from(value, 'hex').toString('base64');
const empty = (): Buffer => Buffer.alloc(0);

const SHA256_NC = '5f2b0a1c9e8d7c6b5a4938271605f4e3d2c1b0a99887766554433221100ffeed';
const LEAF_HASH = '8a0b6f3c2d1e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c';
const ED25519_SIG = 'e1'.repeat(64);
const ML_DSA_SIG = '7d'.repeat(3309);
const PAYLOAD_SAMPLE = '5353482d322e302d6c6962737368325f312e31302e300d0a'; // "SSH-2.0-libssh2_1.10.0\r\n"
const RAW_FRAME = '0a580a0003070a580a000205080045000028';

export const identityRef: Fixture<IdentityRef> = {
  name: 'sentinel identity',
  type: IdentityRef,
  ts: {
    id: 'spiffe://omega.local/ns/omega/sentinel/node-a',
    keyId: '9f86d081884c7d659a2feaa0c55ad015',
  },
  pb: {
    id: 'spiffe://omega.local/ns/omega/sentinel/node-a',
    keyId: '9f86d081884c7d659a2feaa0c55ad015',
  },
};

export const hybridSignature: Fixture<HybridSignature> = {
  name: 'Ed25519 + ML-DSA-65 signature',
  type: HybridSignature,
  ts: {
    keyId: '9f86d081884c7d659a2feaa0c55ad015',
    ed25519: hex(ED25519_SIG),
    mlDsa: hex(ML_DSA_SIG),
  },
  pb: {
    keyId: '9f86d081884c7d659a2feaa0c55ad015',
    ed25519: base64(ED25519_SIG),
    mlDsa: base64(ML_DSA_SIG),
  },
};

export const auditRef: Fixture<AuditRef> = {
  name: 'audit position past 2^32',
  type: AuditRef,
  ts: { logIndex: 4294967301n, leafHash: hex(LEAF_HASH), checkpointSize: 4294967310n },
  pb: { logIndex: '4294967301', leafHash: base64(LEAF_HASH), checkpointSize: '4294967310' },
};

export const timeRange: Fixture<TimeRange> = {
  name: 'one minute in November 2024',
  type: TimeRange,
  ts: { startTimeNs: 1732350000000000000n, endTimeNs: 1732350060123456789n },
  pb: { startTimeNs: '1732350000000000000', endTimeNs: '1732350060123456789' },
};

export const diagnostic: Fixture<Diagnostic> = {
  name: 'unknown playbook action',
  type: Diagnostic,
  ts: {
    severity: DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
    message: "unknown action 'blok_ip' (did you mean block_ip?)",
    source: 'playbooks/contain-scan.yml',
    path: 'steps[2].action',
    line: 14,
    column: 13,
    code: 'unknown-action',
  },
  pb: {
    severity: 'DIAGNOSTIC_SEVERITY_ERROR',
    message: "unknown action 'blok_ip' (did you mean block_ip?)",
    source: 'playbooks/contain-scan.yml',
    path: 'steps[2].action',
    line: 14,
    column: 13,
    code: 'unknown-action',
  },
};

export const workload: Fixture<Workload> = {
  name: 'payments api pod',
  type: Workload,
  ts: {
    namespace: 'payments',
    pod: 'api-7f9c6d5b8-x2k4q',
    podUid: '2c1e7a52-6f0b-4c1d-9a3e-5b8f0d2e4a61',
    container: 'api',
    containerId: '3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a',
    image: 'registry.example.com/payments/api@sha256:' + SHA256_NC,
    serviceAccount: 'api',
    podLabels: { app: 'api', 'app.kubernetes.io/part-of': 'payments' },
  },
  pb: {
    namespace: 'payments',
    pod: 'api-7f9c6d5b8-x2k4q',
    podUid: '2c1e7a52-6f0b-4c1d-9a3e-5b8f0d2e4a61',
    container: 'api',
    containerId: '3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a',
    image: 'registry.example.com/payments/api@sha256:' + SHA256_NC,
    serviceAccount: 'api',
    podLabels: { app: 'api', 'app.kubernetes.io/part-of': 'payments' },
  },
};

export const rootUser: Fixture<User> = {
  name: 'root (uid 0 is present, not absent)',
  type: User,
  ts: {
    name: 'root',
    posixUid: 0,
    posixGid: 0,
    effectiveUid: undefined,
    groups: ['root', 'docker'],
  },
  pb: { name: 'root', posixUid: 0, posixGid: 0, groups: ['root', 'docker'] },
};

export const setuidUser: Fixture<User> = {
  name: 'www-data escalated to root',
  type: User,
  ts: { name: 'www-data', posixUid: 33, posixGid: 33, effectiveUid: 0, groups: [] },
  pb: { name: 'www-data', posixUid: 33, posixGid: 33, effectiveUid: 0 },
};

export const scanProcess: Fixture<Process> = {
  name: 'nc port scan launched from bash',
  type: Process,
  ts: {
    pid: 48213,
    uid: 'b3c9e1f2-boot:48213:1732349990000000000',
    name: 'nc',
    executablePath: '/usr/bin/nc.openbsd',
    args: ['nc', '-zv', '10.0.3.7', '1-1024'],
    cmdLine: 'nc -zv 10.0.3.7 1-1024',
    workingDirectory: '/tmp',
    startTimeNs: 1732349990000000000n,
    executableSha256: hex(SHA256_NC),
    user: rootUser.ts,
    parent: {
      pid: 48200,
      uid: '',
      name: 'bash',
      executablePath: '/usr/bin/bash',
      args: [],
      cmdLine: '',
      workingDirectory: '',
      startTimeNs: 0n,
      executableSha256: empty(),
      user: undefined,
      parent: undefined,
    },
  },
  pb: {
    pid: 48213,
    uid: 'b3c9e1f2-boot:48213:1732349990000000000',
    name: 'nc',
    executablePath: '/usr/bin/nc.openbsd',
    args: ['nc', '-zv', '10.0.3.7', '1-1024'],
    cmdLine: 'nc -zv 10.0.3.7 1-1024',
    workingDirectory: '/tmp',
    startTimeNs: '1732349990000000000',
    executableSha256: base64(SHA256_NC),
    user: rootUser.pb,
    parent: { pid: 48200, name: 'bash', executablePath: '/usr/bin/bash' },
  },
};

export const actor: Fixture<Actor> = {
  name: 'process and user',
  type: Actor,
  ts: { process: scanProcess.ts, user: setuidUser.ts },
  pb: { process: scanProcess.pb, user: setuidUser.pb },
};

export const dbEndpoint: Fixture<NetworkEndpoint> = {
  name: 'postgres pod endpoint',
  type: NetworkEndpoint,
  ts: {
    ip: '10.0.3.7',
    port: 5432,
    hostname: 'db-0.db.payments.svc.cluster.local',
    mac: '0a:58:0a:00:03:07',
    workload: workload.ts,
  },
  pb: {
    ip: '10.0.3.7',
    port: 5432,
    hostname: 'db-0.db.payments.svc.cluster.local',
    mac: '0a:58:0a:00:03:07',
    workload: workload.pb,
  },
};

export const externalEndpoint: Fixture<NetworkEndpoint> = {
  name: 'external IPv6 endpoint without workload',
  type: NetworkEndpoint,
  ts: { ip: '2001:db8::7', port: 51234, hostname: '', mac: '', workload: undefined },
  pb: { ip: '2001:db8::7', port: 51234 },
};

export const networkTraffic: Fixture<NetworkTraffic> = {
  name: 'counters past 2^32',
  type: NetworkTraffic,
  ts: { bytesOut: 1234567n, bytesIn: 9876543210n, packetsOut: 1024n, packetsIn: 7340032n },
  pb: { bytesOut: '1234567', bytesIn: '9876543210', packetsOut: '1024', packetsIn: '7340032' },
};

export const networkActivity: Fixture<NetworkActivity> = {
  name: 'lateral TCP flow summary',
  type: NetworkActivity,
  ts: {
    activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_TRAFFIC,
    protocol: IpProtocol.IP_PROTOCOL_TCP,
    direction: NetworkDirection.NETWORK_DIRECTION_LATERAL,
    traffic: networkTraffic.ts,
    interval: timeRange.ts,
    tcpFlags: 0x12,
    communityUid: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=',
  },
  pb: {
    activityId: 'NETWORK_ACTIVITY_ID_TRAFFIC',
    protocol: 'IP_PROTOCOL_TCP',
    direction: 'NETWORK_DIRECTION_LATERAL',
    traffic: networkTraffic.pb,
    interval: timeRange.pb,
    tcpFlags: 18,
    communityUid: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=',
  },
};

export const dnsQuery: Fixture<DnsQuery> = {
  name: 'TXT query with an encoded label',
  type: DnsQuery,
  ts: { hostname: 'aGVsbG8gd29ybGQ.t.exfil.example', type: 'TXT', class: 'IN', packetUid: 48879 },
  pb: { hostname: 'aGVsbG8gd29ybGQ.t.exfil.example', type: 'TXT', class: 'IN', packetUid: 48879 },
};

export const dnsAnswer: Fixture<DnsAnswer> = {
  name: 'TXT answer',
  type: DnsAnswer,
  ts: { type: 'TXT', rdata: '"c2Vjb25kIGNodW5r"', ttlSeconds: 60 },
  pb: { type: 'TXT', rdata: '"c2Vjb25kIGNodW5r"', ttlSeconds: 60 },
};

export const dnsActivity: Fixture<DnsActivity> = {
  name: 'TXT response over UDP',
  type: DnsActivity,
  ts: {
    activityId: DnsActivityId.DNS_ACTIVITY_ID_RESPONSE,
    query: dnsQuery.ts,
    answers: [dnsAnswer.ts, { type: 'TXT', rdata: '"dGhpcmQ"', ttlSeconds: 30 }],
    rcode: 0,
    responseTimeNs: 1250000n,
    protocol: IpProtocol.IP_PROTOCOL_UDP,
  },
  pb: {
    activityId: 'DNS_ACTIVITY_ID_RESPONSE',
    query: dnsQuery.pb,
    answers: [dnsAnswer.pb, { type: 'TXT', rdata: '"dGhpcmQ"', ttlSeconds: 30 }],
    responseTimeNs: '1250000',
    protocol: 'IP_PROTOCOL_UDP',
  },
};

export const nxdomain: Fixture<DnsActivity> = {
  name: 'NXDOMAIN response',
  type: DnsActivity,
  ts: {
    activityId: DnsActivityId.DNS_ACTIVITY_ID_RESPONSE,
    query: { hostname: 'x7f3k.beacon.example', type: 'A', class: 'IN', packetUid: 1 },
    answers: [],
    rcode: 3,
    responseTimeNs: 0n,
    protocol: IpProtocol.IP_PROTOCOL_UDP,
  },
  pb: {
    activityId: 'DNS_ACTIVITY_ID_RESPONSE',
    query: { hostname: 'x7f3k.beacon.example', type: 'A', class: 'IN', packetUid: 1 },
    rcode: 3,
    protocol: 'IP_PROTOCOL_UDP',
  },
};

export const file: Fixture<File> = {
  name: 'a watched credentials file',
  type: File,
  ts: {
    path: '/root/.aws/credentials',
    name: 'credentials',
    inode: 1310723n,
    device: '8:1',
    sha256: Buffer.alloc(0),
    modifiedTimeNs: 0n,
  },
  pb: { path: '/root/.aws/credentials', name: 'credentials', inode: '1310723', device: '8:1' },
};

export const fileActivity: Fixture<FileActivity> = {
  name: 'an open for read',
  type: FileActivity,
  ts: {
    activityId: FileActivityId.FILE_ACTIVITY_ID_OPEN,
    file: file.ts,
    openFlags: 0o100000,
    fileResult: undefined,
    mode: undefined,
    ownerUid: undefined,
    ownerGid: undefined,
    syscall: '',
    result: 0n,
    integrityChanges: [],
    coalescedChanges: 0,
  },
  pb: { activityId: 'FILE_ACTIVITY_ID_OPEN', file: file.pb, openFlags: 0o100000 },
};

export const fileChmod: Fixture<FileActivity> = {
  name: 'a setuid bit set under /usr/bin',
  type: FileActivity,
  ts: {
    activityId: FileActivityId.FILE_ACTIVITY_ID_SET_ATTRIBUTES,
    file: {
      path: '/usr/bin/find',
      name: 'find',
      inode: 0n,
      device: '',
      sha256: Buffer.alloc(0),
      modifiedTimeNs: 0n,
    },
    openFlags: 0,
    fileResult: undefined,
    mode: 0o4755,
    ownerUid: undefined,
    ownerGid: undefined,
    syscall: 'fchmodat',
    result: 0n,
    integrityChanges: [],
    coalescedChanges: 0,
  },
  pb: {
    activityId: 'FILE_ACTIVITY_ID_SET_ATTRIBUTES',
    file: { path: '/usr/bin/find', name: 'find' },
    mode: 0o4755,
    syscall: 'fchmodat',
  },
};

export const fileRename: Fixture<FileActivity> = {
  name: 'a rename into /etc/cron.d owned by root',
  type: FileActivity,
  ts: {
    activityId: FileActivityId.FILE_ACTIVITY_ID_RENAME,
    file: {
      path: '/tmp/x',
      name: 'x',
      inode: 0n,
      device: '',
      sha256: Buffer.alloc(0),
      modifiedTimeNs: 0n,
    },
    openFlags: 0,
    fileResult: {
      path: '/etc/cron.d/x',
      name: 'x',
      inode: 0n,
      device: '',
      sha256: Buffer.alloc(0),
      modifiedTimeNs: 0n,
    },
    mode: undefined,
    ownerUid: 0,
    ownerGid: undefined,
    syscall: 'renameat2',
    result: -18n,
    integrityChanges: [],
    coalescedChanges: 0,
  },
  pb: {
    activityId: 'FILE_ACTIVITY_ID_RENAME',
    file: { path: '/tmp/x', name: 'x' },
    fileResult: { path: '/etc/cron.d/x', name: 'x' },
    ownerUid: 0,
    syscall: 'renameat2',
    result: '-18',
  },
};

export const fileIntegrity: Fixture<FileActivity> = {
  name: 'an integrity change: /etc/passwd content and mode, before and after',
  type: FileActivity,
  ts: {
    activityId: FileActivityId.FILE_ACTIVITY_ID_UPDATE,
    file: {
      path: '/etc/passwd',
      name: 'passwd',
      inode: 42n,
      device: '8:1',
      sha256: Buffer.alloc(32, 1),
      size: 1024n,
      mode: 0o644,
      ownerUid: 0,
      ownerGid: 0,
      modifiedTimeNs: 1_700_000_000_000_000_000n,
    },
    openFlags: 0,
    fileResult: {
      path: '/etc/passwd',
      name: 'passwd',
      inode: 43n,
      device: '8:1',
      sha256: Buffer.alloc(32, 2),
      size: 1060n,
      mode: 0o666,
      ownerUid: 0,
      ownerGid: 0,
      modifiedTimeNs: 1_700_000_001_000_000_000n,
    },
    mode: undefined,
    ownerUid: undefined,
    ownerGid: undefined,
    syscall: '',
    result: 0n,
    integrityChanges: ['content', 'mode'],
    coalescedChanges: 2,
  },
  pb: {
    activityId: 'FILE_ACTIVITY_ID_UPDATE',
    file: {
      path: '/etc/passwd',
      name: 'passwd',
      inode: '42',
      device: '8:1',
      sha256: Buffer.alloc(32, 1).toString('base64'),
      size: '1024',
      mode: 0o644,
      ownerUid: 0,
      ownerGid: 0,
      modifiedTimeNs: '1700000000000000000',
    },
    fileResult: {
      path: '/etc/passwd',
      name: 'passwd',
      inode: '43',
      device: '8:1',
      sha256: Buffer.alloc(32, 2).toString('base64'),
      size: '1060',
      mode: 0o666,
      ownerUid: 0,
      ownerGid: 0,
      modifiedTimeNs: '1700000001000000000',
    },
    integrityChanges: ['content', 'mode'],
    coalescedChanges: 2,
  },
};

export const credentials: Fixture<Credentials> = {
  name: 'root after a setuid binary, full capabilities',
  type: Credentials,
  ts: { uid: 65534, euid: 0, gid: 65534, egid: 65534, capEffective: 0x1ffffffffffn },
  pb: { uid: 65534, gid: 65534, egid: 65534, capEffective: '2199023255551' },
};

export const enforcement: Fixture<Enforcement> = {
  name: 'a dry-run SIGKILL policy that matched an exec',
  type: Enforcement,
  ts: { policy: 'no-exec-from-tmp', action: 'sigkill', dryRun: true },
  pb: { policy: 'no-exec-from-tmp', action: 'sigkill', dryRun: true },
};

export const privilegeChange: Fixture<ProcessActivity> = {
  name: 'a failed setresuid(0, 0, 0)',
  type: ProcessActivity,
  ts: {
    activityId: ProcessActivityId.PROCESS_ACTIVITY_ID_SET_USER_ID,
    process: undefined,
    exitCode: 0,
    action: ProcessAction.PROCESS_ACTION_PRIVILEGE_CHANGE,
    syscall: 'setresuid',
    result: -1n,
    credentials: credentials.ts,
    requestedIds: [0n, 0n, -1n],
    ptraceRequest: '',
    execFile: '',
  },
  pb: {
    activityId: 'PROCESS_ACTIVITY_ID_SET_USER_ID',
    action: 'PROCESS_ACTION_PRIVILEGE_CHANGE',
    syscall: 'setresuid',
    result: '-1',
    credentials: credentials.pb,
    requestedIds: ['0', '0', '-1'],
  },
};

export const kernelExtensionActivity: Fixture<KernelExtensionActivity> = {
  name: 'a module load refused',
  type: KernelExtensionActivity,
  ts: {
    activityId: KernelExtensionActivityId.KERNEL_EXTENSION_ACTIVITY_ID_LOAD,
    path: '/tmp/rootkit.ko',
    params: 'hide=1',
    syscall: 'finit_module',
    result: -8n,
  },
  pb: {
    activityId: 'KERNEL_EXTENSION_ACTIVITY_ID_LOAD',
    path: '/tmp/rootkit.ko',
    params: 'hide=1',
    syscall: 'finit_module',
    result: '-8',
  },
};

export const kernelActivity: Fixture<KernelActivity> = {
  name: 'a new mount and network namespace',
  type: KernelActivity,
  ts: {
    activityId: KernelActivityId.KERNEL_ACTIVITY_ID_INVOKE,
    kind: KernelActivityKind.KERNEL_ACTIVITY_KIND_NAMESPACE_CHANGE,
    syscall: 'unshare',
    result: 0n,
    mountSource: '',
    mountTarget: '',
    mountFsType: '',
    mountFlags: 0n,
    namespaces: ['CLONE_NEWNS', 'CLONE_NEWNET'],
    bpfProgType: '',
    bpfProgName: '',
    socketFamily: '',
    socketType: '',
    socketProtocol: 0,
    memfdName: '',
    memfdFlags: 0,
  },
  pb: {
    activityId: 'KERNEL_ACTIVITY_ID_INVOKE',
    kind: 'KERNEL_ACTIVITY_KIND_NAMESPACE_CHANGE',
    syscall: 'unshare',
    namespaces: ['CLONE_NEWNS', 'CLONE_NEWNET'],
  },
};

export const rawSocket: Fixture<KernelActivity> = {
  name: 'a packet socket',
  type: KernelActivity,
  ts: {
    activityId: KernelActivityId.KERNEL_ACTIVITY_ID_INVOKE,
    kind: KernelActivityKind.KERNEL_ACTIVITY_KIND_RAW_SOCKET,
    syscall: 'socket',
    result: 3n,
    mountSource: '',
    mountTarget: '',
    mountFsType: '',
    mountFlags: 0n,
    namespaces: [],
    bpfProgType: '',
    bpfProgName: '',
    socketFamily: 'AF_PACKET',
    socketType: 'SOCK_RAW',
    socketProtocol: 768,
    memfdName: '',
    memfdFlags: 0,
  },
  pb: {
    activityId: 'KERNEL_ACTIVITY_ID_INVOKE',
    kind: 'KERNEL_ACTIVITY_KIND_RAW_SOCKET',
    syscall: 'socket',
    result: '3',
    socketFamily: 'AF_PACKET',
    socketType: 'SOCK_RAW',
    socketProtocol: 768,
  },
};

export const deceptionInteraction: Fixture<DeceptionInteraction> = {
  name: 'honeytoken login on an SSH decoy',
  type: DeceptionInteraction,
  ts: {
    kind: InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
    decoyId: 'decoy-ssh-billing',
    decoyKind: DecoyKind.DECOY_KIND_SSH,
    honeytokenId: 'ht-01JD3XK9Q2',
    protocol: 'ssh',
    username: 'deploy',
    request: 'password auth',
    payloadSample: hex(PAYLOAD_SAMPLE),
    sessionId: 'sess-7c1f',
  },
  pb: {
    kind: 'INTERACTION_KIND_AUTH_ATTEMPT',
    decoyId: 'decoy-ssh-billing',
    decoyKind: 'DECOY_KIND_SSH',
    honeytokenId: 'ht-01JD3XK9Q2',
    protocol: 'ssh',
    username: 'deploy',
    request: 'password auth',
    payloadSample: base64(PAYLOAD_SAMPLE),
    sessionId: 'sess-7c1f',
  },
};

export const processActivity: Fixture<ProcessActivity> = {
  name: 'process killed (negative exit code)',
  type: ProcessActivity,
  ts: {
    activityId: ProcessActivityId.PROCESS_ACTIVITY_ID_TERMINATE,
    process: scanProcess.ts,
    exitCode: -9,
    action: ProcessAction.PROCESS_ACTION_UNSPECIFIED,
    syscall: '',
    result: 0n,
    credentials: undefined,
    requestedIds: [],
    ptraceRequest: '',
    execFile: '',
  },
  pb: { activityId: 'PROCESS_ACTIVITY_ID_TERMINATE', process: scanProcess.pb, exitCode: -9 },
};

export const processEvent: Fixture<Event> = {
  name: 'process launch event',
  type: Event,
  ts: {
    id: '0193580a-7b2c-7def-8a01-3c4d5e6f7a8b',
    timeNs: 1732350001987654321n,
    classUid: EventClass.EVENT_CLASS_PROCESS_ACTIVITY,
    severity: Severity.SEVERITY_INFORMATIONAL,
    message: 'bash launched nc',
    actor: actor.ts,
    srcEndpoint: undefined,
    dstEndpoint: undefined,
    node: 'node-a',
    workload: workload.ts,
    payload: {
      $case: 'processActivity',
      value: {
        activityId: ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH,
        process: scanProcess.ts,
        exitCode: 0,
        action: ProcessAction.PROCESS_ACTION_UNSPECIFIED,
        syscall: '',
        result: 0n,
        credentials: undefined,
        requestedIds: [],
        ptraceRequest: '',
        execFile: '',
      },
    },
    unmapped: { 'bpf.cgroup_id': '1234', 'bpf.program': 'tp_btf/sched_process_exec' },
    rawData: empty(),
  },
  pb: {
    id: '0193580a-7b2c-7def-8a01-3c4d5e6f7a8b',
    timeNs: '1732350001987654321',
    classUid: 'EVENT_CLASS_PROCESS_ACTIVITY',
    severity: 'SEVERITY_INFORMATIONAL',
    message: 'bash launched nc',
    actor: actor.pb,
    node: 'node-a',
    workload: workload.pb,
    processActivity: { activityId: 'PROCESS_ACTIVITY_ID_LAUNCH', process: scanProcess.pb },
    unmapped: { 'bpf.cgroup_id': '1234', 'bpf.program': 'tp_btf/sched_process_exec' },
  },
};

export const flowEvent: Fixture<Event> = {
  name: 'network flow event from a pcap replay',
  type: Event,
  ts: {
    id: '0193580a-7b2c-7def-8a01-3c4d5e6f7a8c',
    timeNs: 1732350060123456789n,
    classUid: EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
    severity: Severity.SEVERITY_INFORMATIONAL,
    message: '',
    actor: undefined,
    srcEndpoint: externalEndpoint.ts,
    dstEndpoint: dbEndpoint.ts,
    node: 'node-b',
    workload: undefined,
    payload: { $case: 'networkActivity', value: networkActivity.ts },
    unmapped: { 'replay.id': 'replay-42' },
    rawData: hex(RAW_FRAME),
  },
  pb: {
    id: '0193580a-7b2c-7def-8a01-3c4d5e6f7a8c',
    timeNs: '1732350060123456789',
    classUid: 'EVENT_CLASS_NETWORK_ACTIVITY',
    severity: 'SEVERITY_INFORMATIONAL',
    srcEndpoint: externalEndpoint.pb,
    dstEndpoint: dbEndpoint.pb,
    node: 'node-b',
    networkActivity: networkActivity.pb,
    unmapped: { 'replay.id': 'replay-42' },
    rawData: base64(RAW_FRAME),
  },
};

export const dnsEvent: Fixture<Event> = {
  name: 'DNS event',
  type: Event,
  ts: {
    id: '0193580a-7b2c-7def-8a01-3c4d5e6f7a8d',
    timeNs: 1732350002000000001n,
    classUid: EventClass.EVENT_CLASS_DNS_ACTIVITY,
    severity: Severity.SEVERITY_LOW,
    message: 'NXDOMAIN for x7f3k.beacon.example',
    actor: undefined,
    srcEndpoint: { ip: '10.0.2.15', port: 40211, hostname: '', mac: '', workload: workload.ts },
    dstEndpoint: {
      ip: '10.96.0.10',
      port: 53,
      hostname: 'kube-dns.kube-system.svc',
      mac: '',
      workload: undefined,
    },
    node: 'node-a',
    workload: workload.ts,
    payload: { $case: 'dnsActivity', value: nxdomain.ts },
    unmapped: {},
    rawData: empty(),
  },
  pb: {
    id: '0193580a-7b2c-7def-8a01-3c4d5e6f7a8d',
    timeNs: '1732350002000000001',
    classUid: 'EVENT_CLASS_DNS_ACTIVITY',
    severity: 'SEVERITY_LOW',
    message: 'NXDOMAIN for x7f3k.beacon.example',
    srcEndpoint: { ip: '10.0.2.15', port: 40211, workload: workload.pb },
    dstEndpoint: { ip: '10.96.0.10', port: 53, hostname: 'kube-dns.kube-system.svc' },
    node: 'node-a',
    workload: workload.pb,
    dnsActivity: nxdomain.pb,
  },
};

export const deceptionEvent: Fixture<Event> = {
  name: 'deception interaction event',
  type: Event,
  ts: {
    id: '0193580a-7b2c-7def-8a01-3c4d5e6f7a8e',
    timeNs: 1732350003000000000n,
    classUid: EventClass.EVENT_CLASS_DECEPTION_INTERACTION,
    severity: Severity.SEVERITY_HIGH,
    message: 'login to decoy billing-db with honeytoken',
    actor: undefined,
    srcEndpoint: { ip: '10.0.2.15', port: 52100, hostname: '', mac: '', workload: workload.ts },
    dstEndpoint: {
      ip: '10.0.4.9',
      port: 22,
      hostname: 'billing-db.payments.svc',
      mac: '',
      workload: undefined,
    },
    node: 'node-c',
    workload: undefined,
    payload: { $case: 'deceptionInteraction', value: deceptionInteraction.ts },
    unmapped: {},
    rawData: empty(),
  },
  pb: {
    id: '0193580a-7b2c-7def-8a01-3c4d5e6f7a8e',
    timeNs: '1732350003000000000',
    classUid: 'EVENT_CLASS_DECEPTION_INTERACTION',
    severity: 'SEVERITY_HIGH',
    message: 'login to decoy billing-db with honeytoken',
    srcEndpoint: { ip: '10.0.2.15', port: 52100, workload: workload.pb },
    dstEndpoint: { ip: '10.0.4.9', port: 22, hostname: 'billing-db.payments.svc' },
    node: 'node-c',
    deceptionInteraction: deceptionInteraction.pb,
  },
};

export const eventBatch: Fixture<EventBatch> = {
  name: 'signed batch of two events',
  type: EventBatch,
  ts: {
    sender: identityRef.ts,
    sessionId: '01JD3XK9Q2ZB7W',
    sequence: 42n,
    createdTimeNs: 1732350061000000000n,
    events: [processEvent.ts, flowEvent.ts],
    lostRecords: 3n,
    droppedEvents: 9007199254740993n,
    signature: hybridSignature.ts,
  },
  pb: {
    sender: identityRef.pb,
    sessionId: '01JD3XK9Q2ZB7W',
    sequence: '42',
    createdTimeNs: '1732350061000000000',
    events: [processEvent.pb, flowEvent.pb],
    lostRecords: '3',
    droppedEvents: '9007199254740993',
    signature: hybridSignature.pb,
  },
};

export const batchRef: Fixture<BatchRef> = {
  name: 'batch position in TELEMETRY',
  type: BatchRef,
  ts: {
    senderId: 'spiffe://omega.local/ns/omega/sentinel/node-a',
    sessionId: '01JD3XK9Q2ZB7W',
    sequence: 42n,
    streamSequence: 90071992547409931n,
  },
  pb: {
    senderId: 'spiffe://omega.local/ns/omega/sentinel/node-a',
    sessionId: '01JD3XK9Q2ZB7W',
    sequence: '42',
    streamSequence: '90071992547409931',
  },
};

export const evidenceRef: Fixture<EvidenceRef> = {
  name: 'second event of a batch',
  type: EvidenceRef,
  ts: { eventId: '0193580a-7b2c-7def-8a01-3c4d5e6f7a8c', batch: batchRef.ts, eventIndex: 1 },
  pb: { eventId: '0193580a-7b2c-7def-8a01-3c4d5e6f7a8c', batch: batchRef.pb, eventIndex: 1 },
};

export const entity: Fixture<Entity> = {
  name: 'attacking pod',
  type: Entity,
  ts: {
    kind: EntityKind.ENTITY_KIND_POD,
    value: 'payments/api-7f9c6d5b8-x2k4q',
    displayName: 'api (payments)',
    isActor: true,
  },
  pb: {
    kind: 'ENTITY_KIND_POD',
    value: 'payments/api-7f9c6d5b8-x2k4q',
    displayName: 'api (payments)',
    isActor: true,
  },
};

export const alertReason: Fixture<AlertReason> = {
  name: 'distinct port count above threshold',
  type: AlertReason,
  ts: {
    summary: 'contacted 214 distinct ports on 10.0.3.7 in 10 s',
    feature: 'dst_endpoint.port.distinct_count',
    observedValue: '214',
    expectedValue: '> 100 per 10 s',
    weight: 0.85,
    eventIds: ['0193580a-7b2c-7def-8a01-3c4d5e6f7a8c'],
  },
  pb: {
    summary: 'contacted 214 distinct ports on 10.0.3.7 in 10 s',
    feature: 'dst_endpoint.port.distinct_count',
    observedValue: '214',
    expectedValue: '> 100 per 10 s',
    weight: 0.85,
    eventIds: ['0193580a-7b2c-7def-8a01-3c4d5e6f7a8c'],
  },
};

export const alert: Fixture<Alert> = {
  name: 'port scan alert',
  type: Alert,
  ts: {
    id: '0193580b-0000-7000-8000-000000000001',
    timeNs: 1732350061500000000n,
    severity: Severity.SEVERITY_HIGH,
    title: 'Port scan from api-7f9c6d5b8-x2k4q to db-0',
    ruleId: 'detector:port-scan',
    ruleName: 'Port scan',
    detectorKind: DetectorKind.DETECTOR_KIND_STREAMING,
    attackTechniqueIds: ['T1046'],
    attackTacticIds: ['TA0007'],
    entities: [
      entity.ts,
      {
        kind: EntityKind.ENTITY_KIND_IP_ADDRESS,
        value: '10.0.3.7',
        displayName: '',
        isActor: false,
      },
    ],
    evidence: [evidenceRef.ts],
    explanation: 'The pod opened connections to 214 ports of db-0 within 10 seconds.',
    reasons: [alertReason.ts],
    incidentId: 'inc-0193580b',
    confidence: 90,
    status: AlertStatus.ALERT_STATUS_NEW,
    observed: timeRange.ts,
    count: 3,
    node: 'node-b',
    audit: auditRef.ts,
    labels: { team: 'payments' },
  },
  pb: {
    id: '0193580b-0000-7000-8000-000000000001',
    timeNs: '1732350061500000000',
    severity: 'SEVERITY_HIGH',
    title: 'Port scan from api-7f9c6d5b8-x2k4q to db-0',
    ruleId: 'detector:port-scan',
    ruleName: 'Port scan',
    detectorKind: 'DETECTOR_KIND_STREAMING',
    attackTechniqueIds: ['T1046'],
    attackTacticIds: ['TA0007'],
    entities: [entity.pb, { kind: 'ENTITY_KIND_IP_ADDRESS', value: '10.0.3.7' }],
    evidence: [evidenceRef.pb],
    explanation: 'The pod opened connections to 214 ports of db-0 within 10 seconds.',
    reasons: [alertReason.pb],
    incidentId: 'inc-0193580b',
    confidence: 90,
    status: 'ALERT_STATUS_NEW',
    observed: timeRange.pb,
    count: 3,
    node: 'node-b',
    audit: auditRef.pb,
    labels: { team: 'payments' },
  },
};

export const incident: Fixture<Incident> = {
  name: 'contained lateral movement incident',
  type: Incident,
  ts: {
    id: 'inc-0193580b',
    title: 'Discovery and credential use from payments/api',
    severity: Severity.SEVERITY_CRITICAL,
    status: IncidentStatus.INCIDENT_STATUS_CONTAINED,
    createTimeNs: 1732350061600000000n,
    updateTimeNs: 1732350125000000000n,
    observed: timeRange.ts,
    alertIds: ['0193580b-0000-7000-8000-000000000001', '0193580b-0000-7000-8000-000000000002'],
    entities: [entity.ts],
    attackTechniqueIds: ['T1046', 'T1078'],
    attackTacticIds: ['TA0007', 'TA0001'],
    summary: 'A port scan was followed by a login to a decoy with a planted credential.',
    workflowIds: ['contain-scan-0193580b'],
    assignee: 'user:alice',
    audit: auditRef.ts,
  },
  pb: {
    id: 'inc-0193580b',
    title: 'Discovery and credential use from payments/api',
    severity: 'SEVERITY_CRITICAL',
    status: 'INCIDENT_STATUS_CONTAINED',
    createTimeNs: '1732350061600000000',
    updateTimeNs: '1732350125000000000',
    observed: timeRange.pb,
    alertIds: ['0193580b-0000-7000-8000-000000000001', '0193580b-0000-7000-8000-000000000002'],
    entities: [entity.pb],
    attackTechniqueIds: ['T1046', 'T1078'],
    attackTacticIds: ['TA0007', 'TA0001'],
    summary: 'A port scan was followed by a login to a decoy with a planted credential.',
    workflowIds: ['contain-scan-0193580b'],
    assignee: 'user:alice',
    audit: auditRef.pb,
  },
};

/** Every fixture; together they cover every message of common.proto. */
export const commonFixtures: readonly Fixture<unknown>[] = [
  identityRef,
  hybridSignature,
  auditRef,
  timeRange,
  diagnostic,
  workload,
  rootUser,
  setuidUser,
  scanProcess,
  actor,
  dbEndpoint,
  externalEndpoint,
  networkTraffic,
  networkActivity,
  dnsQuery,
  dnsAnswer,
  file,
  fileActivity,
  fileIntegrity,
  fileChmod,
  fileRename,
  credentials,
  enforcement,
  privilegeChange,
  kernelExtensionActivity,
  kernelActivity,
  rawSocket,
  dnsActivity,
  nxdomain,
  deceptionInteraction,
  processActivity,
  processEvent,
  flowEvent,
  dnsEvent,
  deceptionEvent,
  eventBatch,
  batchRef,
  evidenceRef,
  entity,
  alertReason,
  alert,
  incident,
];
