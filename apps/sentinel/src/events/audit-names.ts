// Names for the numbers AUDIT frames carry (Linux uapi values, the same on x86-64 and arm64):
// ptrace requests, CLONE_NEW* namespaces, socket families and types, bpf program types.

const PTRACE_REQUESTS: ReadonlyMap<number, string> = new Map([
  [0, 'PTRACE_TRACEME'],
  [4, 'PTRACE_POKETEXT'],
  [5, 'PTRACE_POKEDATA'],
  [6, 'PTRACE_POKEUSER'],
  [16, 'PTRACE_ATTACH'],
  [0x4206, 'PTRACE_SEIZE'],
]);

/** "PTRACE_ATTACH", or the number for a request the probe does not report. */
export function ptraceRequestName(request: number): string {
  return PTRACE_REQUESTS.get(request) ?? String(request);
}

/** Requests that write the tracee (OCSF INJECT rather than OPEN). */
export function ptraceWrites(request: number): boolean {
  return request >= 4 && request <= 6;
}

const NAMESPACES: ReadonlyArray<[number, string]> = [
  [0x00020000, 'CLONE_NEWNS'],
  [0x02000000, 'CLONE_NEWCGROUP'],
  [0x04000000, 'CLONE_NEWUTS'],
  [0x08000000, 'CLONE_NEWIPC'],
  [0x10000000, 'CLONE_NEWUSER'],
  [0x20000000, 'CLONE_NEWPID'],
  [0x40000000, 'CLONE_NEWNET'],
  [0x00000080, 'CLONE_NEWTIME'],
];

/** The CLONE_NEW* names set in `flags` (setns's nstype 0, any namespace: ["ANY"]). */
export function namespaceNames(flags: number, setns = false): string[] {
  if (setns && flags === 0) return ['ANY'];
  return NAMESPACES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

const FAMILIES: ReadonlyMap<number, string> = new Map([
  [1, 'AF_UNIX'],
  [2, 'AF_INET'],
  [10, 'AF_INET6'],
  [16, 'AF_NETLINK'],
  [17, 'AF_PACKET'],
]);

const SOCKET_TYPES: ReadonlyMap<number, string> = new Map([
  [1, 'SOCK_STREAM'],
  [2, 'SOCK_DGRAM'],
  [3, 'SOCK_RAW'],
  [4, 'SOCK_RDM'],
  [5, 'SOCK_SEQPACKET'],
  [10, 'SOCK_PACKET'],
]);

export function socketFamilyName(family: number): string {
  return FAMILIES.get(family) ?? String(family);
}

/** The type without SOCK_NONBLOCK / SOCK_CLOEXEC. */
export function socketTypeName(type: number): string {
  return SOCKET_TYPES.get(type & 0xf) ?? String(type & 0xf);
}

/** enum bpf_prog_type, in order from 0. */
const BPF_PROG_TYPES = [
  'unspec',
  'socket_filter',
  'kprobe',
  'sched_cls',
  'sched_act',
  'tracepoint',
  'xdp',
  'perf_event',
  'cgroup_skb',
  'cgroup_sock',
  'lwt_in',
  'lwt_out',
  'lwt_xmit',
  'sock_ops',
  'sk_skb',
  'cgroup_device',
  'sk_msg',
  'raw_tracepoint',
  'cgroup_sock_addr',
  'lwt_seg6local',
  'lirc_mode2',
  'sk_reuseport',
  'flow_dissector',
  'cgroup_sysctl',
  'raw_tracepoint_writable',
  'cgroup_sockopt',
  'tracing',
  'struct_ops',
  'ext',
  'lsm',
  'sk_lookup',
  'syscall',
  'netfilter',
] as const;

export function bpfProgTypeName(type: number): string {
  return BPF_PROG_TYPES[type] ?? String(type);
}
