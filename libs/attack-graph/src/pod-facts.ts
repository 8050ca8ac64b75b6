// What a pod's spec says about its attack surface: privileges, host namespaces, host mounts,
// capabilities, its token, and the container escapes those allow.
import type { AttackKind } from './attacks';
import type { Container, KubeObjectOf, PodObject } from './kube-objects';

export interface HostMount {
  /** Host path, normalised (no trailing slash, no `//`, no `.`). */
  readonly path: string;
  readonly readOnly: boolean;
}

export interface PodFacts {
  readonly privileged: boolean;
  readonly hostPID: boolean;
  readonly hostNetwork: boolean;
  readonly hostIPC: boolean;
  readonly capabilities: ReadonlySet<string>;
  /** hostPath volumes that some container mounts (an unmounted volume exposes nothing). */
  readonly hostMounts: readonly HostMount[];
  /** Some container runs as UID 0 by its securityContext (the pod's or its own). */
  readonly runsAsRootExplicitly: boolean;
  readonly serviceAccount: string;
  /** The service-account token is in the pod's files (automount or a projected token). */
  readonly tokenMounted: boolean;
  /** Secrets mounted as files (secret volumes, projected secret sources). */
  readonly secretMounts: readonly string[];
  readonly shareProcessNamespace: boolean;
}

/** `/var//log/` → `/var/log`. */
export function normalizeHostPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** Whether `ancestor` is `path` or a directory above it. */
export function isAncestorOrSelf(ancestor: string, path: string): boolean {
  return ancestor === '/' || path === ancestor || path.startsWith(`${ancestor}/`);
}

function allContainers(pod: PodObject): readonly Container[] {
  return [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
}

export function podFacts(
  pod: PodObject,
  serviceAccount: KubeObjectOf<'ServiceAccount'> | undefined,
): PodFacts {
  const containers = allContainers(pod);
  const capabilities = new Set<string>();
  for (const c of containers) {
    for (const cap of c.securityContext?.capabilities?.add ?? []) {
      capabilities.add(cap.toUpperCase().replace(/^CAP_/, ''));
    }
  }
  const hostVolumes = new Map<string, string>();
  const secretMounts = new Set<string>();
  let projectedToken = false;
  for (const v of pod.spec.volumes ?? []) {
    if (v.hostPath) hostVolumes.set(v.name, normalizeHostPath(v.hostPath.path));
    if (v.secret?.secretName) secretMounts.add(v.secret.secretName);
    for (const source of v.projected?.sources ?? []) {
      if (source.serviceAccountToken) projectedToken = true;
      if (source.secret?.name) secretMounts.add(source.secret.name);
    }
  }
  const hostMounts = new Map<string, HostMount>();
  for (const c of containers) {
    for (const m of c.volumeMounts ?? []) {
      const path = hostVolumes.get(m.name);
      if (path === undefined) continue;
      const readOnly = m.readOnly === true;
      const seen = hostMounts.get(path);
      if (!seen || (seen.readOnly && !readOnly)) hostMounts.set(path, { path, readOnly });
    }
  }
  const podUser = pod.spec.securityContext?.runAsUser;
  const saName = pod.spec.serviceAccountName ?? 'default';
  const automount =
    pod.spec.automountServiceAccountToken ??
    (serviceAccount as { automountServiceAccountToken?: boolean } | undefined)
      ?.automountServiceAccountToken ??
    true;
  return {
    privileged: containers.some((c) => c.securityContext?.privileged === true),
    hostPID: pod.spec.hostPID === true,
    hostNetwork: pod.spec.hostNetwork === true,
    hostIPC: pod.spec.hostIPC === true,
    capabilities,
    hostMounts: [...hostMounts.values()].sort((a, b) => a.path.localeCompare(b.path)),
    runsAsRootExplicitly: containers.some((c) => (c.securityContext?.runAsUser ?? podUser) === 0),
    serviceAccount: saName,
    tokenMounted: automount || projectedToken,
    secretMounts: [...secretMounts].sort(),
    shareProcessNamespace: pod.spec.shareProcessNamespace === true,
  };
}

const RUNTIME_SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/containerd/containerd.sock',
  '/var/run/containerd/containerd.sock',
  '/run/crio/crio.sock',
  '/var/run/crio/crio.sock',
];
/** Host locations where a write gives code execution or credentials on the node. */
const SENSITIVE_WRITE = [
  '/etc',
  '/root',
  '/home',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/boot',
  '/opt/cni',
  '/var/lib/kubelet',
  '/var/lib/containerd',
  '/var/lib/docker',
  '/var/spool/cron',
];
/** Host locations whose contents alone (read-only) give access to the node. */
const SENSITIVE_READ = ['/root/.ssh', '/home', '/etc/kubernetes', '/etc/shadow', '/proc'];
const KUBELET_PODS = '/var/lib/kubelet/pods';

const overlaps = (a: string, b: string) => isAncestorOrSelf(a, b) || isAncestorOrSelf(b, a);

/** The container escapes (pod → its node) the pod's spec allows, with the fact that allows each. */
export function containerEscapes(facts: PodFacts): { attack: AttackKind; because: string }[] {
  const out: { attack: AttackKind; because: string }[] = [];
  const caps = facts.capabilities;
  if (facts.privileged) out.push({ attack: 'CE_PRIV_MOUNT', because: 'privileged' });
  if (facts.privileged && facts.hostPID) {
    out.push({ attack: 'CE_NSENTER', because: 'privileged, hostPID' });
  }
  if (facts.privileged || caps.has('SYS_MODULE')) {
    out.push({ attack: 'CE_MODULE_LOAD', because: facts.privileged ? 'privileged' : 'SYS_MODULE' });
  }
  if (facts.hostPID && caps.has('SYS_PTRACE') && caps.has('SYS_ADMIN')) {
    out.push({ attack: 'CE_SYS_PTRACE', because: 'hostPID, SYS_PTRACE, SYS_ADMIN' });
  }
  if (!facts.privileged && caps.has('SYS_ADMIN')) {
    out.push({ attack: 'CE_SYS_ADMIN', because: 'SYS_ADMIN' });
  }
  if (facts.hostNetwork) out.push({ attack: 'CE_HOST_NETWORK', because: 'hostNetwork' });
  if (facts.hostNetwork && (facts.privileged || caps.has('NET_ADMIN'))) {
    out.push({ attack: 'CE_NET_MITM', because: 'hostNetwork, NET_ADMIN' });
  }
  for (const m of facts.hostMounts) {
    const mode = m.readOnly ? 'ro' : 'rw';
    const because = `hostPath ${m.path} (${mode})`;
    if (!m.readOnly && facts.runsAsRootExplicitly && isAncestorOrSelf(m.path, '/proc/sys/kernel')) {
      out.push({ attack: 'CE_UMH_CORE_PATTERN', because });
    }
    if (m.path !== '/' && RUNTIME_SOCKETS.some((s) => isAncestorOrSelf(m.path, s))) {
      out.push({ attack: 'CE_CONTAINER_SOCK', because });
    }
    if (!m.readOnly && SENSITIVE_WRITE.some((s) => overlaps(m.path, s))) {
      out.push({ attack: 'EXPLOIT_HOST_WRITE', because });
    }
    if (m.readOnly && SENSITIVE_READ.some((s) => overlaps(m.path, s))) {
      out.push({ attack: 'EXPLOIT_HOST_READ', because });
    }
  }
  // One edge per attack: keep the first reason.
  const seen = new Set<AttackKind>();
  return out.filter((e) => !seen.has(e.attack) && seen.add(e.attack));
}

/** The pod can read every pod token on its node through the kubelet's pod directory. */
export function readsKubeletPods(facts: PodFacts): HostMount | undefined {
  return facts.hostMounts.find((m) => isAncestorOrSelf(m.path, KUBELET_PODS));
}

/** The pod mounts the host's /var/log (or a parent): its logs can be turned into host reads. */
export function mountsHostLogs(facts: PodFacts): HostMount | undefined {
  return facts.hostMounts.find((m) => isAncestorOrSelf(m.path, '/var/log'));
}

/** Host directories the pod can write that another pod's host mount overlaps. */
export function sharedHostPath(writer: PodFacts, reader: PodFacts): string | undefined {
  for (const w of writer.hostMounts) {
    if (w.readOnly) continue;
    for (const r of reader.hostMounts) if (overlaps(w.path, r.path)) return w.path;
  }
  return undefined;
}

/** The pod's vertex attributes (string map, as twin.proto carries them). */
export function podAttributes(pod: PodObject, facts: PodFacts): Record<string, string> {
  const first = pod.spec.containers[0]!;
  return {
    image: first.image ?? '',
    node: pod.spec.nodeName ?? '',
    service_account: facts.serviceAccount,
    privileged: String(facts.privileged),
    host_pid: String(facts.hostPID),
    host_network: String(facts.hostNetwork),
    host_ipc: String(facts.hostIPC),
    capabilities: [...facts.capabilities].sort().join(','),
    host_path_mounts: facts.hostMounts
      .map((m) => `${m.path}:${m.readOnly ? 'ro' : 'rw'}`)
      .join(','),
    service_account_token: String(facts.tokenMounted),
    share_process_namespace: String(facts.shareProcessNamespace),
  };
}
