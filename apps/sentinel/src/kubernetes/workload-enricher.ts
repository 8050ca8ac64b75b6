// Stamps events with the Kubernetes workload of the cgroup they came from: cgroup id (from the
// kernel) → cgroup path → container id → pod, all from local state (the cgroup mount and the pod
// watch's index), never an API call per event.
import type { Event } from '@omega/proto';
import { containerOfCgroupPath } from './cgroup-path';
import type { CgroupDirectory } from './cgroup-directory';
import type { PodIndex } from './pod-index';

export const CGROUP_ID_KEY = 'bpf.cgroup_id';

export class WorkloadEnricher {
  constructor(
    private readonly cgroups: CgroupDirectory,
    private readonly pods: PodIndex,
  ) {}

  /** The event with `workload` set when its cgroup is a known pod's container; else unchanged. */
  enrich(event: Event): Event {
    const id = event.unmapped[CGROUP_ID_KEY];
    if (!id || event.workload) return event;
    const path = this.cgroups.pathOf(BigInt(id));
    const ref = path === undefined ? undefined : containerOfCgroupPath(path);
    const workload = ref ? this.pods.lookup(ref) : undefined;
    return workload ? { ...event, workload } : event;
  }
}
