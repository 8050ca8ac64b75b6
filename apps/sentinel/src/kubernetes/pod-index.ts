// The pods on this node by container id and by pod UID, as Workload records for events. Fed by the
// pod watch; pure, so it is tested with plain Pod objects.
import type { Workload } from '@omega/proto';
import type { ContainerRef } from './cgroup-path';

/** The fields of a Kubernetes Pod the index reads (a V1Pod from @kubernetes/client-node fits). */
export interface PodLike {
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string> };
  spec?: {
    serviceAccountName?: string;
    containers?: Array<{ name: string; image?: string }>;
  };
  status?: {
    containerStatuses?: ContainerStatusLike[];
    initContainerStatuses?: ContainerStatusLike[];
    ephemeralContainerStatuses?: ContainerStatusLike[];
  };
}

interface ContainerStatusLike {
  name: string;
  containerID?: string;
  image?: string;
  imageID?: string;
}

/** "containerd://<id>" → "<id>" */
export function runtimeContainerId(containerID: string): string {
  const at = containerID.indexOf('://');
  return at === -1 ? containerID : containerID.slice(at + 3);
}

export class PodIndex {
  private readonly byContainer = new Map<string, Workload>();
  private readonly byPodUid = new Map<string, Workload>();
  /** pod UID → its container ids, to forget them when the pod changes or goes */
  private readonly containersOfPod = new Map<string, string[]>();

  get size(): { pods: number; containers: number } {
    return { pods: this.byPodUid.size, containers: this.byContainer.size };
  }

  upsert(pod: PodLike): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    this.remove(pod);
    const base: Workload = {
      namespace: pod.metadata?.namespace ?? '',
      pod: pod.metadata?.name ?? '',
      podUid: uid,
      container: '',
      containerId: '',
      image: '',
      serviceAccount: pod.spec?.serviceAccountName ?? '',
      podLabels: { ...(pod.metadata?.labels ?? {}) },
    };
    this.byPodUid.set(uid, base);
    const ids: string[] = [];
    const statuses = [
      ...(pod.status?.containerStatuses ?? []),
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.ephemeralContainerStatuses ?? []),
    ];
    for (const status of statuses) {
      if (!status.containerID) continue; // not started yet
      const containerId = runtimeContainerId(status.containerID);
      const specImage = pod.spec?.containers?.find((c) => c.name === status.name)?.image;
      this.byContainer.set(containerId, {
        ...base,
        container: status.name,
        containerId,
        // the digest the runtime resolved, when it says, else the reference as written
        image: status.imageID || status.image || specImage || '',
      });
      ids.push(containerId);
    }
    this.containersOfPod.set(uid, ids);
  }

  remove(pod: PodLike): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    for (const id of this.containersOfPod.get(uid) ?? []) this.byContainer.delete(id);
    this.containersOfPod.delete(uid);
    this.byPodUid.delete(uid);
  }

  /** The container's workload, else (a container not in the pod's status yet) the pod's. */
  lookup(ref: ContainerRef): Workload | undefined {
    return (
      this.byContainer.get(ref.containerId) ??
      (ref.podUid
        ? this.withContainerId(this.byPodUid.get(ref.podUid), ref.containerId)
        : undefined)
    );
  }

  private withContainerId(
    workload: Workload | undefined,
    containerId: string,
  ): Workload | undefined {
    return workload ? { ...workload, containerId } : undefined;
  }
}
