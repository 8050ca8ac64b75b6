// Policies compiled once against a cluster's index: every subject and peer becomes a set of pods,
// every port a matcher, and each pod lists the policies that select it, per direction.
import type { AdminPort, AdminSubject } from './admin-policy-schema';
import type { Pod } from './cluster';
import { ClusterIndex } from './cluster-index';
import type { NetworkPolicyObject, NetworkPolicyPeer, NetworkPolicyPort } from './cluster-schema';
import { parseCidr, type Cidr, type IpBlockMatcher } from './ip-block';
import type { LabelSelector, Protocol } from './label-schema';
import { describeSelector } from './label-selector';
import type { Cluster } from './cluster';
import { PodSet } from './pod-set';

export type Direction = 'ingress' | 'egress';
export type PolicyKind = 'NetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';

export interface CompiledPeer {
  /** The cluster's pods this peer admits (for ipBlock and networks: pods with an address inside). */
  readonly pods: PodSet;
  /** Address blocks, for ends that are not pods of the cluster. */
  readonly blocks: readonly IpBlockMatcher[];
  readonly description: string;
}

/** One port entry of a rule, NetworkPolicy's or an admin policy's, in one shape. */
export interface CompiledPort {
  /** undefined: any protocol (an admin policy's namedPort). */
  readonly protocol: Protocol | undefined;
  /** undefined with no name: every port of the protocol. */
  readonly start?: number;
  readonly end?: number;
  /** A named port, resolved on the destination pod's container ports. */
  readonly name?: string;
  readonly description: string;
}

export interface CompiledRule {
  readonly index: number;
  readonly name?: string;
  /** undefined: the rule admits every peer (NetworkPolicy's empty or missing from/to). */
  readonly peers: readonly CompiledPeer[] | undefined;
  /** undefined: every port and protocol. */
  readonly ports: readonly CompiledPort[] | undefined;
  readonly action: 'Allow' | 'Deny' | 'Pass';
}

export interface CompiledPolicy {
  readonly kind: PolicyKind;
  /** "namespace/name" for a NetworkPolicy, the name for the cluster-scoped kinds. */
  readonly id: string;
  readonly priority: number;
  readonly subject: PodSet;
  /** undefined: the policy does not apply to this direction (NetworkPolicy policyTypes). */
  readonly ingress: readonly CompiledRule[] | undefined;
  readonly egress: readonly CompiledRule[] | undefined;
}

export class CompiledCluster {
  readonly index: ClusterIndex;
  readonly networkPolicies: readonly CompiledPolicy[];
  /** Admin policies by precedence: lowest priority number first, then by name. */
  readonly adminPolicies: readonly CompiledPolicy[];
  readonly baseline: CompiledPolicy | undefined;
  /** Per direction, per pod index: the policies of each layer whose subject holds the pod. */
  readonly selecting: Record<
    Direction,
    { network: number[][]; admin: number[][]; baseline: boolean[] }
  >;
  private readonly podByAddress = new Map<string, number>();

  constructor(readonly cluster: Cluster) {
    const index = (this.index = new ClusterIndex(cluster));
    this.networkPolicies = cluster.networkPolicies.map((np) => compileNetworkPolicy(index, np));
    this.adminPolicies = cluster.adminNetworkPolicies
      .map((anp) =>
        compileAdminPolicy(
          index,
          'AdminNetworkPolicy',
          anp.metadata.name,
          anp.spec.priority,
          anp.spec,
        ),
      )
      .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const banp = cluster.baselineAdminNetworkPolicy;
    this.baseline = banp
      ? compileAdminPolicy(index, 'BaselineAdminNetworkPolicy', banp.metadata.name, 0, banp.spec)
      : undefined;
    const n = index.size;
    const empty = (): { network: number[][]; admin: number[][]; baseline: boolean[] } => ({
      network: Array.from({ length: n }, () => []),
      admin: Array.from({ length: n }, () => []),
      baseline: new Array<boolean>(n).fill(false),
    });
    this.selecting = { ingress: empty(), egress: empty() };
    for (const direction of ['ingress', 'egress'] as const) {
      const into = this.selecting[direction];
      this.networkPolicies.forEach((policy, p) => {
        if (policy[direction] === undefined) return;
        for (const i of policy.subject.indexes()) into.network[i]!.push(p);
      });
      this.adminPolicies.forEach((policy, p) => {
        for (const i of policy.subject.indexes()) into.admin[i]!.push(p);
      });
      if (this.baseline) for (const i of this.baseline.subject.indexes()) into.baseline[i] = true;
    }
    cluster.pods.forEach((pod, i) => {
      for (const ip of pod.ips) this.podByAddress.set(ip.toString(), i);
    });
  }

  pod(i: number): Pod {
    return this.index.pods[i]!;
  }

  /** The pod that owns an address, if any. */
  podWithAddress(address: string): number | undefined {
    return this.podByAddress.get(address);
  }
}

export function policyTypes(np: NetworkPolicyObject): { ingress: boolean; egress: boolean } {
  const given = np.spec.policyTypes ?? [];
  if (given.length > 0)
    return { ingress: given.includes('Ingress'), egress: given.includes('Egress') };
  // The API server's default: Ingress always, Egress when the policy has egress rules.
  return { ingress: true, egress: (np.spec.egress ?? []).length > 0 };
}

function compileNetworkPolicy(index: ClusterIndex, np: NetworkPolicyObject): CompiledPolicy {
  const namespace = np.metadata.namespace;
  const types = policyTypes(np);
  const rules = (
    list: readonly {
      peers?: readonly NetworkPolicyPeer[] | null;
      ports?: readonly NetworkPolicyPort[] | null;
    }[],
  ): CompiledRule[] =>
    list.map((rule, i) => ({
      index: i,
      action: 'Allow',
      peers:
        (rule.peers ?? []).length === 0
          ? undefined
          : rule.peers!.map((peer) => compileNetworkPolicyPeer(index, namespace, peer)),
      ports:
        (rule.ports ?? []).length === 0 ? undefined : rule.ports!.map(compileNetworkPolicyPort),
    }));
  return {
    kind: 'NetworkPolicy',
    id: `${namespace}/${np.metadata.name}`,
    priority: 0,
    subject: index.podsMatching(np.spec.podSelector ?? {}, [namespace]),
    ingress: types.ingress
      ? rules((np.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })))
      : undefined,
    egress: types.egress
      ? rules((np.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports })))
      : undefined,
  };
}

function compileNetworkPolicyPeer(
  index: ClusterIndex,
  namespace: string,
  peer: NetworkPolicyPeer,
): CompiledPeer {
  if (peer.ipBlock) {
    const block: IpBlockMatcher = {
      cidr: parseCidr(peer.ipBlock.cidr)!,
      except: (peer.ipBlock.except ?? []).map((e) => parseCidr(e)!),
    };
    const except =
      block.except.length > 0 ? ` except ${block.except.map((e) => e.text).join(', ')}` : '';
    return {
      pods: index.podsInIpBlock(block),
      blocks: [block],
      description: `ipBlock ${block.cidr.text}${except}`,
    };
  }
  const podSelector = peer.podSelector ?? {};
  if (peer.namespaceSelector == null) {
    return {
      pods: index.podsMatching(podSelector, [namespace]),
      blocks: [],
      description: `pods ${describeSelector(podSelector)} in namespace ${namespace}`,
    };
  }
  return {
    pods: index.podsMatching(podSelector, index.namespacesMatching(peer.namespaceSelector)),
    blocks: [],
    description: `pods ${describeSelector(podSelector)} in namespaces ${describeSelector(peer.namespaceSelector)}`,
  };
}

export function compileNetworkPolicyPort(port: NetworkPolicyPort): CompiledPort {
  if (port.port == null)
    return { protocol: port.protocol, description: `${port.protocol} (any port)` };
  if (typeof port.port === 'string') {
    return {
      protocol: port.protocol,
      name: port.port,
      description: `${port.protocol} ${port.port}`,
    };
  }
  const end = port.endPort ?? port.port;
  return {
    protocol: port.protocol,
    start: port.port,
    end,
    description: `${port.protocol} ${port.port}${end !== port.port ? `-${end}` : ''}`,
  };
}

interface AdminSpec {
  readonly subject: AdminSubject;
  readonly ingress?: readonly AdminRuleSpec[] | null;
  readonly egress?: readonly AdminRuleSpec[] | null;
}

interface AdminRuleSpec {
  readonly name?: string | null;
  readonly action: 'Allow' | 'Deny' | 'Pass';
  readonly from?: readonly AdminPeerSpec[];
  readonly to?: readonly AdminPeerSpec[];
  readonly ports?: readonly AdminPort[] | null;
}

interface AdminPeerSpec {
  readonly namespaces?: LabelSelector | null;
  readonly pods?: { namespaceSelector: LabelSelector; podSelector: LabelSelector } | null;
  readonly nodes?: LabelSelector | null;
  readonly networks?: readonly string[] | null;
  readonly domainNames?: readonly string[] | null;
}

function compileAdminPolicy(
  index: ClusterIndex,
  kind: PolicyKind,
  name: string,
  priority: number,
  spec: AdminSpec,
): CompiledPolicy {
  const rules = (list: readonly AdminRuleSpec[] | null | undefined): CompiledRule[] =>
    (list ?? []).map((rule, i) => ({
      index: i,
      ...(rule.name ? { name: rule.name } : {}),
      action: rule.action,
      peers: (rule.from ?? rule.to ?? []).map((peer) => compileAdminPeer(index, peer)),
      ports: rule.ports == null ? undefined : rule.ports.map(compileAdminPort),
    }));
  return {
    kind,
    id: name,
    priority,
    subject: compileAdminPeer(index, spec.subject).pods,
    ingress: rules(spec.ingress),
    egress: rules(spec.egress),
  };
}

function compileAdminPeer(index: ClusterIndex, peer: AdminPeerSpec): CompiledPeer {
  if (peer.namespaces != null) {
    return {
      pods: index.podsMatching({}, index.namespacesMatching(peer.namespaces)),
      blocks: [],
      description: `namespaces ${describeSelector(peer.namespaces)}`,
    };
  }
  if (peer.pods != null) {
    const { namespaceSelector, podSelector } = peer.pods;
    return {
      pods: index.podsMatching(podSelector, index.namespacesMatching(namespaceSelector)),
      blocks: [],
      description: `pods ${describeSelector(podSelector)} in namespaces ${describeSelector(namespaceSelector)}`,
    };
  }
  if (peer.networks != null) {
    const blocks = peer.networks.map((text) => ({ cidr: parseCidr(text)!, except: [] as Cidr[] }));
    const pods = new PodSet(index.size);
    for (const block of blocks) pods.orInPlace(index.podsInIpBlock(block));
    return { pods, blocks, description: `networks ${peer.networks.join(', ')}` };
  }
  // Nodes and domain names are outside this model: such a peer matches no pod and no address.
  const what =
    peer.nodes != null
      ? `nodes ${describeSelector(peer.nodes)}`
      : `domainNames ${(peer.domainNames ?? []).join(', ')}`;
  return {
    pods: new PodSet(index.size),
    blocks: [],
    description: `${what} (not modelled: matches nothing here)`,
  };
}

function compileAdminPort(port: AdminPort): CompiledPort {
  if (port.portNumber != null) {
    const { protocol, port: number } = port.portNumber;
    return { protocol, start: number, end: number, description: `${protocol} ${number}` };
  }
  if (port.portRange != null) {
    const { protocol, start, end } = port.portRange;
    return { protocol, start, end, description: `${protocol} ${start}-${end}` };
  }
  return {
    protocol: undefined,
    name: port.namedPort!,
    description: `named port ${port.namedPort!}`,
  };
}
