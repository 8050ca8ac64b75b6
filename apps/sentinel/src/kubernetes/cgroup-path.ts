// Which container (and pod) a cgroup v2 path belongs to, from the layouts kubelet and the container
// runtimes create: systemd driver (`kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope`),
// cgroupfs driver (`kubepods/burstable/pod<uid>/<id>`), and containerd's `...slice:cri-containerd:<id>`.

export interface ContainerRef {
  /** Runtime container id, 64 hex digits, without a `containerd://` prefix. */
  containerId: string;
  /** The pod's UID when the path names it. */
  podUid?: string;
}

const SCOPE = /^(?:cri-containerd|crio|docker|containerd|libpod)-([0-9a-f]{64})\.scope$/;
const BARE = /^([0-9a-f]{64})$/;
const COLON = /:(?:cri-containerd|crio|docker):([0-9a-f]{64})$/;
const POD =
  /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?$/;

export function containerOfCgroupPath(path: string): ContainerRef | undefined {
  const segments = path.split('/').filter((s) => s.length > 0);
  let containerId: string | undefined;
  let podUid: string | undefined;
  for (const segment of segments) {
    const id = SCOPE.exec(segment)?.[1] ?? BARE.exec(segment)?.[1] ?? COLON.exec(segment)?.[1];
    if (id) containerId = id;
    // a systemd slice writes the uid's dashes as underscores
    const pod = POD.exec(segment.split(':')[0] ?? segment)?.[1];
    if (pod) podUid = pod.replace(/_/g, '-');
  }
  if (!containerId) return undefined;
  return podUid ? { containerId, podUid } : { containerId };
}
