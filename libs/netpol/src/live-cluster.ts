// A cluster's pods and NetworkPolicies kept current one change at a time, for reachability matrices
// updated in place (live-reachability.ts): pods sit in slots that outlive other pods' changes, and
// every policy's subject and peers are pod sets over those slots, each pod's bit re-decided when it
// changes (a selector or address block matched against one pod) instead of recompiling them all.
import { Code, OmegaError } from '@omega/errors';
import type { Pod } from './cluster';
import type { NetworkPolicyObject, NetworkPolicyPeer } from './cluster-schema';
import {
  compileNetworkPolicyPort,
  policyTypes,
  type CompiledCluster,
  type CompiledPolicy,
  type CompiledPort,
  type Direction,
} from './compiled-policies';
import { ipBlockContains, parseCidr, type IpBlockMatcher } from './ip-block';
import type { Labels } from './label-schema';
import { matchesSelector } from './label-selector';
import { PodSet } from './pod-set';

export interface LivePeer {
  /** Whether the peer admits a pod (its namespace's labels read from the cluster). */
  readonly admits: (pod: Pod) => boolean;
  /** The slots it admits. */
  readonly pods: PodSet;
}

export interface LiveRule {
  /** undefined: every peer. */
  readonly peers: readonly LivePeer[] | undefined;
  /** undefined: every port and protocol. */
  readonly ports: readonly CompiledPort[] | undefined;
}

export interface LivePolicy {
  /** "namespace/name" */
  readonly id: string;
  readonly selects: (pod: Pod) => boolean;
  /** The slots it selects. */
  readonly subject: PodSet;
  readonly ingress: readonly LiveRule[] | undefined;
  readonly egress: readonly LiveRule[] | undefined;
}

/** Sets a slot's bit to `value`. */
export function setBit(set: PodSet, i: number, value: boolean): void {
  if (value) set.words[i >>> 5]! |= 1 << (i & 31);
  else set.words[i >>> 5]! &= ~(1 << (i & 31));
}

export class LiveCluster {
  /** Pods by slot; undefined: a free slot. */
  readonly pods: (Pod | undefined)[] = [];
  readonly slots = new Map<string, number>();
  readonly namespaces: Map<string, Labels>;
  readonly policies = new Map<string, LivePolicy>();
  /** The slots holding a pod. */
  readonly live: PodSet;
  /** Per direction, per slot: ids of the policies selecting it that apply to the direction, sorted. */
  readonly selecting: Record<Direction, string[][]> = { ingress: [], egress: [] };
  private readonly free: number[] = [];

  /**
   * Starts from a compiled cluster (its pods take slots 0..n-1, its selector matches are reused);
   * `capacity`: slots available before a rebuild is needed (at least the cluster's pods).
   */
  constructor(
    compiled: CompiledCluster,
    readonly capacity: number,
  ) {
    const cluster = compiled.cluster;
    if (cluster.adminNetworkPolicies.length > 0 || cluster.baselineAdminNetworkPolicy) {
      throw new OmegaError(
        Code.FailedPrecondition,
        'live reachability: admin network policies are not kept incrementally; compile the cluster (CompiledCluster) instead',
      );
    }
    if (capacity < cluster.pods.length) {
      throw new OmegaError(
        Code.Internal,
        `live reachability: capacity ${capacity} below the cluster's ${cluster.pods.length} pods`,
      );
    }
    this.namespaces = new Map(cluster.namespaces);
    this.live = new PodSet(capacity);
    cluster.pods.forEach((pod, i) => {
      this.pods[i] = pod;
      this.slots.set(pod.id, i);
      this.live.add(i);
    });
    for (let i = capacity - 1; i >= cluster.pods.length; i--) this.free.push(i);
    for (const [i, np] of cluster.networkPolicies.entries()) {
      const policy = this.compile(np, compiled.networkPolicies[i]);
      this.policies.set(policy.id, policy);
    }
    for (const direction of ['ingress', 'egress'] as const) {
      const lists: string[][] = (this.selecting[direction] = []);
      for (let i = 0; i < cluster.pods.length; i++) lists.push([]);
      for (const policy of this.policies.values()) {
        if (!policy[direction]) continue;
        for (const i of policy.subject.indexes()) lists[i]!.push(policy.id);
      }
      for (const list of lists) list.sort();
    }
  }

  /** The slot a new pod would take, or undefined when every slot is taken. */
  get full(): boolean {
    return this.free.length === 0;
  }

  /** Stores a pod (new or changed) and re-decides its bit in every subject and peer; its slot. */
  upsertPod(pod: Pod): number {
    if (!this.namespaces.has(pod.namespace)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `Pod ${pod.id}: metadata.namespace: namespace '${pod.namespace}' is not among the namespaces given (its labels decide namespaceSelectors)`,
      );
    }
    let slot = this.slots.get(pod.id);
    if (slot === undefined) {
      slot = this.free.pop();
      if (slot === undefined) {
        throw new OmegaError(
          Code.ResourceExhausted,
          `live reachability: no free slot for ${pod.id}`,
        );
      }
      this.slots.set(pod.id, slot);
    }
    this.pods[slot] = pod;
    setBit(this.live, slot, true);
    this.redecide(slot);
    return slot;
  }

  /** Removes a pod; the slot it left, or undefined if it was not held. */
  deletePod(id: string): number | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    this.slots.delete(id);
    this.pods[slot] = undefined;
    setBit(this.live, slot, false);
    this.redecide(slot);
    this.free.push(slot);
    return slot;
  }

  /**
   * Stores (or, with only an id, drops) a NetworkPolicy; returns the slots whose selecting
   * policies may have changed: those the old or the new version selects.
   */
  setPolicy(id: string, np: NetworkPolicyObject | undefined): PodSet {
    const old = this.policies.get(id);
    const affected = new PodSet(this.capacity);
    if (old) affected.orInPlace(old.subject);
    if (np) {
      if (!this.namespaces.has(np.metadata.namespace)) {
        throw new OmegaError(
          Code.InvalidArgument,
          `NetworkPolicy ${id}: metadata.namespace: namespace '${np.metadata.namespace}' is not among the namespaces given`,
        );
      }
      const policy = this.compile(np);
      this.policies.set(id, policy);
      affected.orInPlace(policy.subject);
    } else this.policies.delete(id);
    const policy = this.policies.get(id);
    for (const slot of affected.indexes()) {
      for (const direction of ['ingress', 'egress'] as const) {
        const list = this.selecting[direction][slot]!.filter((other) => other !== id);
        if (policy?.[direction] && policy.subject.has(slot)) list.push(id);
        this.selecting[direction][slot] = list.sort();
      }
    }
    return affected;
  }

  /** Whether any live pod sits in a namespace. */
  namespaceInUse(name: string): boolean {
    for (const pod of this.pods) if (pod?.namespace === name) return true;
    return false;
  }

  private redecide(slot: number): void {
    const pod = this.pods[slot];
    for (const policy of this.policies.values()) {
      setBit(policy.subject, slot, pod !== undefined && policy.selects(pod));
      for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
        for (const peer of rule.peers ?? []) {
          setBit(peer.pods, slot, pod !== undefined && peer.admits(pod));
        }
      }
    }
    this.reselect(slot);
  }

  /** Re-reads which policies select a slot, per direction. */
  private reselect(slot: number): void {
    const ingress: string[] = [];
    const egress: string[] = [];
    for (const policy of this.policies.values()) {
      if (!policy.subject.has(slot)) continue;
      if (policy.ingress) ingress.push(policy.id);
      if (policy.egress) egress.push(policy.id);
    }
    this.selecting.ingress[slot] = ingress.sort();
    this.selecting.egress[slot] = egress.sort();
  }

  /**
   * A policy's subject and peers as slot sets over the pods held now: matched pod by pod, or
   * copied from `seed`, the same policy compiled over the same pods in slot order.
   */
  private compile(np: NetworkPolicyObject, seed?: CompiledPolicy): LivePolicy {
    const namespace = np.metadata.namespace;
    const podSelector = np.spec.podSelector ?? {};
    const selects = (pod: Pod): boolean =>
      pod.namespace === namespace && matchesSelector(podSelector, pod.labels);
    const types = policyTypes(np);
    const rules = (
      direction: Direction,
      list: readonly {
        peers?: readonly NetworkPolicyPeer[] | null;
        ports?: readonly Parameters<typeof compileNetworkPolicyPort>[0][] | null;
      }[],
    ): LiveRule[] =>
      list.map((rule, r) => ({
        peers:
          (rule.peers ?? []).length === 0
            ? undefined
            : rule.peers!.map((peer, k) =>
                this.livePeer(namespace, peer, seed?.[direction]?.[r]?.peers?.[k]?.pods),
              ),
        ports:
          (rule.ports ?? []).length === 0 ? undefined : rule.ports!.map(compileNetworkPolicyPort),
      }));
    return {
      id: `${namespace}/${np.metadata.name}`,
      selects,
      subject: seed ? this.widen(seed.subject) : this.slotsWhere(selects),
      ingress: types.ingress
        ? rules(
            'ingress',
            (np.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })),
          )
        : undefined,
      egress: types.egress
        ? rules(
            'egress',
            (np.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports })),
          )
        : undefined,
    };
  }

  private livePeer(namespace: string, peer: NetworkPolicyPeer, seed?: PodSet): LivePeer {
    let admits: (pod: Pod) => boolean;
    if (peer.ipBlock) {
      const block: IpBlockMatcher = {
        cidr: parseCidr(peer.ipBlock.cidr)!,
        except: (peer.ipBlock.except ?? []).map((e) => parseCidr(e)!),
      };
      admits = (pod) => pod.ips.some((ip) => ipBlockContains(block, ip));
    } else {
      const podSelector = peer.podSelector ?? {};
      const namespaceSelector = peer.namespaceSelector;
      admits =
        namespaceSelector == null
          ? (pod) => pod.namespace === namespace && matchesSelector(podSelector, pod.labels)
          : (pod) =>
              matchesSelector(podSelector, pod.labels) &&
              matchesSelector(namespaceSelector, this.namespaces.get(pod.namespace) ?? {});
    }
    return { admits, pods: seed ? this.widen(seed) : this.slotsWhere(admits) };
  }

  /** A compiled cluster's pod set, over this cluster's slots. */
  private widen(set: PodSet): PodSet {
    const out = new PodSet(this.capacity);
    out.words.set(set.words);
    return out;
  }

  private slotsWhere(test: (pod: Pod) => boolean): PodSet {
    const set = new PodSet(this.capacity);
    this.pods.forEach((pod, i) => {
      if (pod !== undefined && test(pod)) set.add(i);
    });
    return set;
  }
}
