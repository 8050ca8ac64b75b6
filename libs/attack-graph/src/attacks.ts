// The attack edges the graph draws: what each means, its MITRE ATT&CK technique, the proto edge
// kind it travels as, and how easy it is to use (a ranking weight, not a measured probability).
// The families follow DataDog KubeHound's attack reference; conditions are written here from its
// documentation and fixtures, and differ where noted in the README.
import { GraphEdgeKind } from '@omega/proto';

export interface AttackInfo {
  readonly meaning: string;
  readonly techniqueId: string;
  /** The nearest GraphEdgeKind of twin.proto (which has no kind per attack). */
  readonly protoKind: GraphEdgeKind;
  /** 0..1: how easy it is to traverse. */
  readonly exploitability: number;
}

const K = GraphEdgeKind;

export const ATTACKS = {
  CE_PRIV_MOUNT: {
    meaning: 'privileged container mounts the node disk and writes to it',
    techniqueId: 'T1611',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.9,
  },
  CE_NSENTER: {
    meaning: 'privileged container with the host PID namespace enters PID 1 with nsenter',
    techniqueId: 'T1611',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.95,
  },
  CE_MODULE_LOAD: {
    meaning: 'container with SYS_MODULE (or privileged) loads a kernel module',
    techniqueId: 'T1611',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.85,
  },
  CE_SYS_PTRACE: {
    meaning:
      'container with the host PID namespace, SYS_PTRACE and SYS_ADMIN injects into a host process',
    techniqueId: 'T1611',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.8,
  },
  CE_SYS_ADMIN: {
    meaning: 'unprivileged container with SYS_ADMIN mounts host filesystems or cgroups',
    techniqueId: 'T1611',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.6,
  },
  CE_UMH_CORE_PATTERN: {
    meaning:
      "root container with the host's /proc/sys/kernel writable sets core_pattern to its program",
    techniqueId: 'T1611',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.8,
  },
  CE_VAR_LOG_SYMLINK: {
    meaning: "reader of pod logs reads host files through a pod that mounts the host's /var/log",
    techniqueId: 'T1611',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.5,
  },
  CE_CONTAINER_SOCK: {
    meaning: 'container mounts the container runtime socket and starts a privileged container',
    techniqueId: 'T1610',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.95,
  },
  CE_HOST_NETWORK: {
    meaning: "pod in the node's network namespace reaches services bound to the node only",
    techniqueId: 'T1611',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.3,
  },
  CE_NET_MITM: {
    meaning: "pod in the node's network namespace with NET_ADMIN intercepts the node's traffic",
    techniqueId: 'T1557',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.5,
  },
  EXPLOIT_HOST_READ: {
    meaning: 'read-only host mount exposes SSH keys, node credentials or process memory',
    techniqueId: 'T1611',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.6,
  },
  EXPLOIT_HOST_WRITE: {
    meaning: 'writable host mount of a sensitive directory (/, /etc, /root, kubelet state...)',
    techniqueId: 'T1611',
    protoKind: K.GRAPH_EDGE_KIND_SCHEDULED_ON,
    exploitability: 0.9,
  },
  EXPLOIT_HOST_TRAVERSE: {
    meaning: "host mount of the kubelet's pod directory exposes every pod token on the node",
    techniqueId: 'T1552.001',
    protoKind: K.GRAPH_EDGE_KIND_MOUNTS,
    exploitability: 0.85,
  },
  TOKEN_STEAL: {
    meaning:
      "service-account token read from the pod's mount (or, from a node, from the kubelet's pod directory)",
    techniqueId: 'T1552.001',
    protoKind: K.GRAPH_EDGE_KIND_RUNS_AS,
    exploitability: 0.95,
  },
  SECRET_MOUNT: {
    meaning: 'secret mounted into the pod as files',
    techniqueId: 'T1552.001',
    protoKind: K.GRAPH_EDGE_KIND_MOUNTS,
    exploitability: 0.95,
  },
  SECRET_READ: {
    meaning: 'get or list on secrets through the API',
    techniqueId: 'T1552.007',
    protoKind: K.GRAPH_EDGE_KIND_CAN_READ,
    exploitability: 0.9,
  },
  SA_TOKEN_SECRET: {
    meaning: "a service-account-token secret holds the account's token",
    techniqueId: 'T1528',
    protoKind: K.GRAPH_EDGE_KIND_RUNS_AS,
    exploitability: 0.95,
  },
  TOKEN_CREATE: {
    meaning: 'create on serviceaccounts/token mints a token for the account',
    techniqueId: 'T1528',
    protoKind: K.GRAPH_EDGE_KIND_CAN_EXEC,
    exploitability: 0.9,
  },
  POD_CREATE: {
    meaning: 'create on pods runs a pod as any service account of the namespace',
    techniqueId: 'T1610',
    protoKind: K.GRAPH_EDGE_KIND_CAN_EXEC,
    exploitability: 0.8,
  },
  POD_EXEC: {
    meaning: 'create on pods/exec runs commands in the pod',
    techniqueId: 'T1609',
    protoKind: K.GRAPH_EDGE_KIND_CAN_EXEC,
    exploitability: 0.9,
  },
  POD_ATTACH: {
    meaning: "create on pods/attach attaches to the pod's running process",
    techniqueId: 'T1609',
    protoKind: K.GRAPH_EDGE_KIND_CAN_EXEC,
    exploitability: 0.6,
  },
  POD_PATCH: {
    meaning: "patch or update on pods replaces a container's image",
    techniqueId: 'T1609',
    protoKind: K.GRAPH_EDGE_KIND_CAN_EXEC,
    exploitability: 0.6,
  },
  ROLE_BIND: {
    meaning: 'create on role bindings with bind (or escalate) grants the account a role',
    techniqueId: 'T1098.006',
    protoKind: K.GRAPH_EDGE_KIND_BOUND_TO,
    exploitability: 0.85,
  },
  IDENTITY_IMPERSONATE: {
    meaning: 'impersonate on users, groups or service accounts acts as them',
    techniqueId: 'T1078',
    protoKind: K.GRAPH_EDGE_KIND_BOUND_TO,
    exploitability: 0.9,
  },
  IDENTITY_ASSUME: {
    meaning: "a node's kubelet credentials act as the system:nodes group",
    techniqueId: 'T1078',
    protoKind: K.GRAPH_EDGE_KIND_BOUND_TO,
    exploitability: 0.95,
  },
  MEMBER_OF: {
    meaning:
      'an account holds the permissions of the groups it belongs to (system:authenticated...)',
    techniqueId: 'T1078',
    protoKind: K.GRAPH_EDGE_KIND_BOUND_TO,
    exploitability: 1,
  },
  VOLUME_ACCESS: {
    meaning: 'writable host directory shared with another pod on the node taints its files',
    techniqueId: 'T1080',
    protoKind: K.GRAPH_EDGE_KIND_MOUNTS,
    exploitability: 0.5,
  },
  ENDPOINT_EXPLOIT: {
    meaning:
      'port exposed outside the cluster (NodePort, LoadBalancer, Ingress, hostPort) is exploited',
    techniqueId: 'T1190',
    protoKind: K.GRAPH_EDGE_KIND_NETWORK_ALLOWED,
    exploitability: 0.3,
  },
  NETWORK_REACH: {
    meaning: 'pod may connect to a port of another pod (NetworkPolicy) and exploits it',
    techniqueId: 'T1210',
    protoKind: K.GRAPH_EDGE_KIND_NETWORK_ALLOWED,
    exploitability: 0.3,
  },
} as const satisfies Record<string, AttackInfo>;

export type AttackKind = keyof typeof ATTACKS;
