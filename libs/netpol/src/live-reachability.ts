// Pod-to-pod reachability kept current one object change at a time (NetworkPolicy only): the
// matrices of reachability-matrix.ts over slots that outlive other pods' changes, a pod change
// costing its own row and column and a policy change the rows of the pods it selects, instead of a
// recompile and rebuild of every matrix. Specs check it against a from-scratch build and against
// evaluateConnection after random sequences of changes.
import { Code, OmegaError } from '@omega/errors';
import { NAMESPACE_NAME_LABEL, type Cluster, type Pod } from './cluster';
import type { NetworkPolicyObject } from './cluster-schema';
import { CompiledCluster } from './compiled-policies';
import type { Labels, Protocol } from './label-schema';
import { LiveCluster } from './live-cluster';
import { LiveMatrix } from './live-matrix';
import { MATRIX_MAX_PODS } from './reachability-matrix';

export type { LiveMatrix } from './live-matrix';

export class LiveReachability {
  private cluster!: LiveCluster;
  private readonly matrices = new Map<string, LiveMatrix>();
  private readonly policyObjects = new Map<string, NetworkPolicyObject>();
  private rebuilds = 0;

  /** From a compiled cluster without admin policies; its pods take slots 0..n-1. */
  constructor(compiled: CompiledCluster) {
    for (const np of compiled.cluster.networkPolicies) {
      this.policyObjects.set(`${np.metadata.namespace}/${np.metadata.name}`, np);
    }
    this.reset(compiled);
  }

  /** Grows by one each time slots are renumbered (a rebuild: out of slots, a namespace relabelled). */
  get generation(): number {
    return this.rebuilds;
  }

  /** Slots: every slot index below is less than this. */
  get capacity(): number {
    return this.cluster.capacity;
  }

  /** Whether a namespace is held (given, or added by setNamespace). */
  hasNamespace(name: string): boolean {
    return this.cluster.namespaces.has(name);
  }

  slotOf(id: string): number | undefined {
    return this.cluster.slots.get(id);
  }

  /** The pod in a slot, if any. */
  pod(slot: number): Pod | undefined {
    return this.cluster.pods[slot];
  }

  /** The matrix of one (port, protocol), built on first use and kept current after. */
  matrix(port: number, protocol: Protocol): LiveMatrix {
    const key = `${port}/${protocol}`;
    let m = this.matrices.get(key);
    if (!m) this.matrices.set(key, (m = new LiveMatrix(this.cluster, port, protocol)));
    return m;
  }

  /** Stores a new or changed pod (its namespace must be held). */
  upsertPod(pod: Pod): void {
    const known = this.cluster.slots.has(pod.id);
    if (!known && this.cluster.full) {
      this.rebuild([...this.livePods(), pod]);
      return;
    }
    const slot = this.cluster.upsertPod(pod);
    for (const m of this.matrices.values()) m.podChanged(slot);
  }

  deletePod(id: string): void {
    const slot = this.cluster.deletePod(id);
    if (slot === undefined) return;
    for (const m of this.matrices.values()) m.podChanged(slot);
  }

  /** Stores (or, undefined, drops) the NetworkPolicy "namespace/name". */
  setPolicy(id: string, np: NetworkPolicyObject | undefined): void {
    if (np) this.policyObjects.set(id, np);
    else this.policyObjects.delete(id);
    const affected = this.cluster.setPolicy(id, np);
    for (const m of this.matrices.values()) m.policyChanged(id, affected);
  }

  /**
   * Stores (or, undefined, drops) a namespace's labels (the name label is added). A namespace no
   * pod is in changes no matrix; relabelling or dropping one in use rebuilds everything.
   */
  setNamespace(name: string, labels: Labels | undefined): void {
    const namespaces = this.cluster.namespaces;
    const next = labels && { ...labels, [NAMESPACE_NAME_LABEL]: name };
    if (next && sameLabels(namespaces.get(name), next)) return;
    if (!this.cluster.namespaceInUse(name) && !this.policyInNamespace(name)) {
      if (next) namespaces.set(name, next);
      else namespaces.delete(name);
      return;
    }
    if (!next) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `live reachability: namespace ${name} still holds pods or policies`,
      );
    }
    namespaces.set(name, next);
    this.rebuild([...this.livePods()]);
  }

  private policyInNamespace(name: string): boolean {
    for (const np of this.policyObjects.values()) if (np.metadata.namespace === name) return true;
    return false;
  }

  private *livePods(): Iterable<Pod> {
    for (const pod of this.cluster.pods) if (pod) yield pod;
  }

  /** Renumbers slots: compiles the pods and policies held, with room to grow. */
  private rebuild(pods: Pod[]): void {
    const cluster: Cluster = {
      namespaces: new Map(this.cluster.namespaces),
      pods,
      services: [],
      networkPolicies: [...this.policyObjects.values()],
      adminNetworkPolicies: [],
      baselineAdminNetworkPolicy: undefined,
    };
    this.rebuilds++;
    this.reset(new CompiledCluster(cluster));
  }

  private reset(compiled: CompiledCluster): void {
    const n = compiled.cluster.pods.length;
    if (n > MATRIX_MAX_PODS) {
      throw new OmegaError(
        Code.ResourceExhausted,
        `reachability matrix: ${n} pods, more than the ${MATRIX_MAX_PODS} a matrix holds (it takes 3·n²/8 bytes); ask per connection or per namespace instead`,
      );
    }
    // Room for a quarter more pods before slots are renumbered, a whole number of 32-bit words.
    const capacity = Math.min(MATRIX_MAX_PODS, Math.ceil((n * 1.25 + 32) / 32) * 32);
    const ports = [...this.matrices.values()].map((m) => [m.port, m.protocol] as const);
    this.cluster = new LiveCluster(compiled, Math.max(capacity, n));
    this.matrices.clear();
    for (const [port, protocol] of ports) this.matrix(port, protocol);
  }
}

function sameLabels(a: Labels | undefined, b: Labels): boolean {
  if (!a) return false;
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}
