// The attack graph of a cluster, kept current one object change at a time: each change marks the
// edge buckets that read it (see edge-producers.ts) and only those are recomputed. A full build is
// the same producers run over every bucket, so the two agree by construction and a spec checks it.
import { Code, OmegaError } from '@omega/errors';
import { ClusterState } from './cluster-state';
import { EdgeStore } from './edge-store';
import {
  bindingKey,
  markClusterPermissions,
  markDirty,
  podKey,
  type DirtyMarks,
} from './dirty-marks';
import {
  bindingEdges,
  exposureEdges,
  exposures,
  nodeEdges,
  permissionEdges,
  podEdges,
  secretEdges,
  NAMESPACE_PARTS,
  type NamedSubjects,
  type PermissionPart,
} from './edge-producers';
import { movedParts, partOf } from './grant-parts';
import { EXTERNAL_ID, type Edge, type Vertex } from './graph-model';
import {
  describeObject,
  kubeKindOf,
  objectKey,
  vertexIdOf,
  type KubeKind,
  type KubeObject,
  type PodObject,
} from './kube-objects';
import { networkEdges, type PodReachability } from './network-edges';
import { ObjectLog, type LoggedChange } from './object-log';
import type { Grant } from './rbac';
import { changedPrincipals, RBAC_KINDS, rbacIndexOf } from './rbac-changes';
import { membershipEdges, principalGrants, principalIds } from './principals';
import { validateObject, type ValidateOptions } from './validate-objects';
import { externalVertex, identityVertex, objectVertex } from './vertices';

export type ObjectChange =
  | { readonly type: 'upsert'; readonly object: unknown }
  | {
      readonly type: 'delete';
      readonly kind: string;
      readonly namespace?: string;
      readonly name: string;
    };

/** Objects one graph holds at most by default (a cluster of 10,000 pods has ~17,000). */
export const DEFAULT_MAX_OBJECTS = 1_000_000;

export interface AttackGraphOptions extends ValidateOptions {
  /** Objects the graph holds at most; one more is refused (ResourceExhausted). */
  readonly maxObjects?: number;
  /** NetworkPolicy reachability between pods; without it the graph draws no pod-to-pod network edges. */
  readonly reachability?: PodReachability;
}

export class AttackGraph {
  private readonly state = new ClusterState();
  private rbac = rbacIndexOf(new ClusterState());
  private readonly objectVertices = new Map<string, Vertex>();
  private readonly store = new EdgeStore();
  private readonly grantsCache = new Map<string, Grant[]>();
  private readonly principalBuckets = new Map<string, Set<string>>();
  private readonly nsPrincipals = new Map<string, Set<string>>();
  private readonly clusterPrincipals = new Set<string>();
  private changes = 0;
  private log = new ObjectLog();

  constructor(private readonly options: AttackGraphOptions = {}) {}

  /** Builds the graph of a list of objects at once (each validated). */
  static build(objects: readonly unknown[], options: AttackGraphOptions = {}): AttackGraph {
    const graph = new AttackGraph(options);
    for (const raw of objects) graph.admit(validateObject(raw, options));
    graph.rbac = rbacIndexOf(graph.state);
    for (const object of graph.state.objects.values()) graph.refreshVertex(object);
    const keys = new Set<string>();
    for (const id of principalIds(graph.state, graph.rbac)) graph.refreshPrincipal(id, keys);
    for (const pod of graph.state.all('Pod')) {
      keys.add(podKey(pod));
      if (options.reachability) keys.add(`net|${pod.metadata.namespace}/${pod.metadata.name}`);
    }
    for (const node of graph.state.nodeNames()) keys.add(`node|${node}`);
    for (const ns of graph.state.namespaces()) {
      keys.add(`exposure|${ns}`);
      for (const part of NAMESPACE_PARTS) keys.add(`perm|namespace/${ns}|${ns}|${part}`);
    }
    for (const b of [...graph.state.all('RoleBinding'), ...graph.state.all('ClusterRoleBinding')])
      keys.add(bindingKey(b));
    for (const s of graph.state.all('Secret'))
      keys.add(`secret|${s.metadata.namespace}/${s.metadata.name}`);
    graph.recompute(keys);
    return graph;
  }

  /** Grows by one with every change applied: a cache keyed on it is current while it stays. */
  get version(): number {
    return this.changes;
  }

  /** The object changes after `version`, oldest first; undefined once the log no longer reaches back. */
  changesSince(version: number): readonly LoggedChange[] | undefined {
    return this.log.since(version);
  }

  /** Whether pod-to-pod network edges are drawn (a reachability function was given). */
  get drawsNetworkEdges(): boolean {
    return this.options.reachability !== undefined;
  }

  /** Every object held, as validated (read only: change them through apply). */
  objects(): Iterable<KubeObject> {
    return this.state.objects.values();
  }

  /**
   * An independent copy to apply changes to (what-if): maps are copied, the immutable objects,
   * edges and RBAC index shared, so it costs a pass over the maps, not a rebuild.
   */
  fork(options: AttackGraphOptions = this.options): AttackGraph {
    const copy = new AttackGraph(options);
    Object.assign(copy, { state: this.state.clone(), store: this.store.clone() });
    Object.assign(copy, { rbac: this.rbac, changes: this.changes, log: this.log.clone() });
    for (const [k, v] of this.objectVertices) copy.objectVertices.set(k, v);
    for (const [k, v] of this.grantsCache) copy.grantsCache.set(k, v);
    for (const [k, v] of this.principalBuckets) copy.principalBuckets.set(k, new Set(v));
    for (const [k, v] of this.nsPrincipals) copy.nsPrincipals.set(k, new Set(v));
    for (const id of this.clusterPrincipals) copy.clusterPrincipals.add(id);
    return copy;
  }

  /** The edges this fork shows and `base` does not (added or changed), and the ids it no longer shows. */
  edgeChangesSince(base: AttackGraph): ReturnType<EdgeStore['changesSince']> {
    return this.store.changesSince(base.store);
  }

  /** Applies one added, changed or deleted object; only the edges that read it are recomputed. */
  apply(change: ObjectChange): void {
    this.changes++;
    let object: KubeObject | undefined;
    let old: KubeObject | undefined;
    if (change.type === 'upsert') {
      object = validateObject(change.object, this.options);
      old = this.admit(object);
    } else {
      old = this.state.remove(kubeKindOf(change), change.namespace, change.name);
      if (!old) return;
    }
    this.log.record({ version: this.changes, before: old, after: object });
    const dirty = new Set<string>();
    for (const o of [old, object]) if (o) markDirty(this.marks(), o, dirty);
    if (old && !object) this.objectVertices.delete(vertexIdOf(old));
    if (object) this.refreshVertex(object);
    const kind = (object ?? old)!.kind;
    if (RBAC_KINDS.has(kind) || kind === 'ServiceAccount') this.refreshRbac(dirty, old ?? object!);
    this.recompute(dirty);
  }

  /** Stores an object unless the graph is full (a replacement always fits). */
  private admit(object: KubeObject): KubeObject | undefined {
    const max = this.options.maxObjects ?? DEFAULT_MAX_OBJECTS;
    if (this.state.objects.size >= max && !this.state.objects.has(objectKey(object))) {
      throw new OmegaError(
        Code.ResourceExhausted,
        `attack graph: ${describeObject(object)} refused: the graph holds ${max} objects, its limit (maxObjects)`,
      );
    }
    return this.state.upsert(object);
  }

  /** Every vertex, by id; an exposed pod's `exposure` lists how (NodePort, LoadBalancer, Ingress, hostPort). */
  vertices(): Vertex[] {
    const all = this.vertexMap();
    for (const ns of this.state.namespaces()) {
      for (const [pod, ways] of exposures(this.state, ns).exposed) {
        const v = all.get(pod);
        if (!v) continue;
        const kinds = [...new Set(ways.map((w) => /\((\w+)\)$/.exec(w)?.[1] ?? 'exposed'))].sort();
        all.set(pod, { ...v, attributes: { ...v.attributes, exposure: kinds.join(',') } });
      }
    }
    return [...all.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  vertex(id: string): Vertex | undefined {
    if (!this.hasVertex(id)) return undefined;
    if (id === EXTERNAL_ID) return externalVertex();
    if (id.startsWith('user/')) return identityVertex('User', id.slice(5));
    if (id.startsWith('group/')) return identityVertex('Group', id.slice(6));
    return this.objectVertices.get(id);
  }

  /** Every edge whose two ends are vertices, by id. */
  edges(): Edge[] {
    const out: Edge[] = [];
    this.forEachEdge((e) => out.push(e));
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Calls `visit` with every edge whose two ends are vertices, in no particular order. */
  forEachEdge(visit: (edge: Edge) => void): void {
    for (const from of this.store.sources()) {
      if (!this.hasVertex(from)) continue;
      this.store.forEachOutgoing(from, (e) => this.hasVertex(e.toNodeId) && visit(e));
    }
  }

  /** The edges leaving a vertex (both ends existing). */
  outEdges(from: string): Edge[] {
    if (!this.hasVertex(from)) return [];
    const out: Edge[] = [];
    this.store.forEachOutgoing(from, (e) => {
      if (this.hasVertex(e.toNodeId)) out.push(e);
    });
    return out;
  }

  /** Every vertex, unsorted and without the computed `exposure` attribute (cheap). */
  forEachVertex(visit: (vertex: Vertex) => void): void {
    for (const v of this.vertexMap().values()) visit(v);
  }

  hasVertex(id: string): boolean {
    if (id === EXTERNAL_ID || this.objectVertices.has(id)) return true;
    if (id.startsWith('user/')) return this.rbac.namedUsers.has(id.slice(5));
    if (id.startsWith('group/')) return this.rbac.namedGroups.has(id.slice(6));
    return false;
  }

  private vertexMap(): Map<string, Vertex> {
    const all = new Map(this.objectVertices);
    all.set(EXTERNAL_ID, externalVertex());
    for (const u of this.rbac.namedUsers) all.set(`user/${u}`, identityVertex('User', u));
    for (const g of this.rbac.namedGroups) all.set(`group/${g}`, identityVertex('Group', g));
    return all;
  }

  private refreshVertex(object: KubeObject): void {
    const v = objectVertex(this.state, object);
    if (v) this.objectVertices.set(v.id, v);
  }

  private named(): NamedSubjects {
    return { users: this.rbac.namedUsers, groups: this.rbac.namedGroups };
  }

  /** The grants of a principal vertex (an account, user, group, role, or a namespace's admin). */
  private grantsOf(id: string): Grant[] {
    if (id.startsWith('namespace/')) return principalGrants(id, this.state, this.rbac);
    let grants = this.grantsCache.get(id);
    if (!grants) this.grantsCache.set(id, (grants = principalGrants(id, this.state, this.rbac)));
    return grants;
  }

  /** Re-reads a principal's grants and scope; marks its old and new buckets. */
  private refreshPrincipal(id: string, dirty: Set<string>): void {
    const before = this.grantsCache.get(id);
    this.grantsCache.delete(id);
    if (id.startsWith('serviceaccount/') || id.startsWith('user/')) dirty.add(`member|${id}`);
    const old = this.principalBuckets.get(id) ?? new Set<string>();
    this.clusterPrincipals.delete(id);
    for (const set of this.nsPrincipals.values()) set.delete(id);
    const grants = this.grantsOf(id);
    const keys = new Set<string>();
    if (grants.some((g) => g.namespace === undefined)) {
      this.clusterPrincipals.add(id);
      keys.add(`perm|${id}||cluster`);
      for (const ns of this.state.namespaces()) {
        for (const part of NAMESPACE_PARTS) keys.add(`perm|${id}|${ns}|${part}`);
      }
    }
    for (const g of grants) {
      if (g.namespace === undefined) continue;
      for (const part of NAMESPACE_PARTS) keys.add(`perm|${id}|${g.namespace}|${part}`);
      let set = this.nsPrincipals.get(g.namespace);
      if (!set) this.nsPrincipals.set(g.namespace, (set = new Set()));
      set.add(id);
    }
    this.principalBuckets.set(id, keys);
    const moved = movedParts(before, grants);
    for (const key of old) if (!keys.has(key) || moved.has(partOf(key)!)) dirty.add(key);
    for (const key of keys) if (!old.has(key) || moved.has(partOf(key)!)) dirty.add(key);
  }

  private marks(): DirtyMarks {
    return {
      state: this.state,
      network: this.options.reachability !== undefined,
      clusterPrincipals: this.clusterPrincipals,
      nsPrincipals: this.nsPrincipals,
      refreshVertex: (o) => this.refreshVertex(o),
    };
  }

  /** After an RBAC or account change: re-resolves RBAC and marks the principals whose grants moved. */
  private refreshRbac(dirty: Set<string>, changed: KubeObject): void {
    const before = this.rbac;
    this.rbac = rbacIndexOf(this.state);
    const roles = changed.kind === 'Role' || changed.kind === 'ClusterRole'; // bindings as they were
    const { principals, namedChanged } = changedPrincipals(before, this.rbac, roles);
    if (changed.kind === 'ServiceAccount') {
      principals.add(`serviceaccount/${changed.metadata.namespace}/${changed.metadata.name}`);
    }
    if (namedChanged) markClusterPermissions(this.marks(), dirty);
    for (const id of principals) this.refreshPrincipal(id, dirty);
    if (namedChanged) markClusterPermissions(this.marks(), dirty);
  }

  /** Recomputes the marked buckets and swaps their edges in. */
  private recompute(keys: Set<string>): void {
    const named = this.named();
    for (const key of keys) {
      if (key.startsWith('net-target|')) {
        this.refreshNetworkTarget(key.slice('net-target|'.length));
        continue;
      }
      this.replaceBucket(key, this.computeBucket(key, named));
    }
  }

  private replaceBucket(key: string, computed: Edge[]): void {
    const edges = this.store.replace(key, computed);
    if (key.startsWith('perm|') && edges.length > 0) {
      const principal = key.split('|')[1]!;
      let set = this.principalBuckets.get(principal);
      if (!set) this.principalBuckets.set(principal, (set = new Set()));
      set.add(key);
    }
  }

  private computeBucket(key: string, named: NamedSubjects): Edge[] {
    const [kind, a, b, part] = key.split('|') as [string, string, string | undefined, string];
    const [ns, name] = a.split('/') as [string, string];
    switch (kind) {
      case 'pod': {
        const pod = this.state.get('Pod', ns, name) as PodObject | undefined;
        if (pod) this.refreshVertex(pod);
        return pod ? podEdges(this.state, pod) : [];
      }
      case 'node':
        return nodeEdges(this.state, a);
      case 'member':
        return membershipEdges(a, this.state, this.rbac);
      case 'exposure':
        return exposureEdges(this.state, a);
      case 'perm':
        return permissionEdges(
          this.state,
          a,
          this.grantsOf(a),
          b ?? '',
          named,
          part as PermissionPart,
        );
      case 'binding': {
        const [bkind, bns, bname] = a.split('/') as [KubeKind, string, string];
        const binding = this.state.get(bkind, bns || undefined, bname);
        return binding && (binding.kind === 'RoleBinding' || binding.kind === 'ClusterRoleBinding')
          ? bindingEdges(binding)
          : [];
      }
      case 'secret': {
        const secret = this.state.get('Secret', ns, name);
        return secret?.kind === 'Secret' ? secretEdges(secret) : [];
      }
      case 'net': {
        const pod = this.state.get('Pod', ns, name) as PodObject | undefined;
        return pod && this.options.reachability
          ? networkEdges(this.state, pod, this.state.all('Pod'), this.options.reachability)
          : [];
      }
    }
    throw new OmegaError(Code.Internal, `attack graph: unknown bucket ${key}`);
  }

  /** A pod changed: its outgoing network edges, and every other pod's edges to it. */
  private refreshNetworkTarget(podRef: string): void {
    const [ns, name] = podRef.split('/') as [string, string];
    const target = this.state.get('Pod', ns, name) as PodObject | undefined;
    const targetId = `pod/${ns}/${name}`;
    this.replaceBucket(`net|${podRef}`, this.computeBucket(`net|${podRef}`, this.named()));
    for (const source of this.state.all('Pod')) {
      const key = `net|${source.metadata.namespace}/${source.metadata.name}`;
      if (source === target) continue;
      const kept = this.store.bucket(key).filter((e) => e.toNodeId !== targetId);
      const added = target
        ? networkEdges(this.state, source, [target], this.options.reachability!)
        : [];
      this.replaceBucket(key, [...kept, ...added]);
    }
  }
}
