// Whether Kubernetes NetworkPolicies admit one connection (ingress only), evaluated from the
// objects themselves, so chart specs can state who reaches which port without a CNI. The rules of
// networking.k8s.io/v1: a pod no Ingress policy selects accepts everything; otherwise a connection
// is admitted when some rule of some selecting policy matches both its port and its source.
// matchExpressions and endPort are refused rather than guessed.
import { BlockList, isIPv4 } from 'node:net';
import type { KubeObject } from './chart';

type Labels = Readonly<Record<string, string>>;

/** The transport a connection (or datagram) uses, as NetworkPolicy ports name it. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: unknown[];
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyPort {
  port?: number | string;
  protocol?: string;
  endPort?: number;
}
interface IngressRule {
  from?: Peer[];
  ports?: PolicyPort[];
}
interface PolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: IngressRule[];
}

/** The pod being reached: its namespace, labels, and container ports by name. */
export interface TargetPod {
  readonly namespace: string;
  readonly labels: Labels;
  readonly namedPorts: Readonly<Record<string, number>>;
}

/** Who connects: a pod (namespace, its labels, its namespace's labels) or a bare address. */
export interface Source {
  readonly ip?: string;
  readonly pod?: { namespace: string; labels: Labels; namespaceLabels: Labels };
}

function selects(selector: LabelSelector | undefined, labels: Labels, where: string): boolean {
  if (selector?.matchExpressions?.length) {
    throw new Error(`${where}: matchExpressions are not evaluated here`);
  }
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function inBlock(ip: string, block: { cidr: string; except?: string[] }): boolean {
  const family = isIPv4(ip) ? 'ipv4' : 'ipv6';
  const add = (list: BlockList, cidr: string) => {
    const [net = '', prefix = ''] = cidr.split('/');
    if ((isIPv4(net) ? 'ipv4' : 'ipv6') === family) list.addSubnet(net, Number(prefix), family);
  };
  const allowed = new BlockList();
  add(allowed, block.cidr);
  const excluded = new BlockList();
  for (const cidr of block.except ?? []) add(excluded, cidr);
  return allowed.check(ip, family) && !excluded.check(ip, family);
}

function peerMatches(peer: Peer, policyNamespace: string, source: Source, where: string): boolean {
  if (peer.ipBlock) return source.ip !== undefined && inBlock(source.ip, peer.ipBlock);
  const pod = source.pod;
  if (!pod) return false;
  // A podSelector alone means the policy's own namespace; a namespaceSelector widens it.
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, pod.namespaceLabels, where)
    : pod.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector, pod.labels, where);
}

function portMatches(
  rulePort: PolicyPort,
  target: TargetPod,
  port: number,
  protocol: Protocol,
  where: string,
) {
  if (rulePort.endPort !== undefined) throw new Error(`${where}: endPort is not evaluated here`);
  if ((rulePort.protocol ?? 'TCP') !== protocol) return false;
  if (rulePort.port === undefined) return true;
  return typeof rulePort.port === 'number'
    ? rulePort.port === port
    : target.namedPorts[rulePort.port] === port;
}

/** Whether `policies` admit a connection (TCP unless said) from `source` to `target` on `port`. */
export function admitsIngress(
  policies: readonly KubeObject[],
  target: TargetPod,
  source: Source,
  port: number,
  protocol: Protocol = 'TCP',
): boolean {
  const selecting = policies.filter((p) => {
    const spec = p['spec'] as PolicySpec;
    const types = spec.policyTypes ?? ['Ingress'];
    return (
      p.kind === 'NetworkPolicy' &&
      p.metadata.namespace === target.namespace &&
      types.includes('Ingress') &&
      selects(spec.podSelector, target.labels, `NetworkPolicy ${p.metadata.name}`)
    );
  });
  if (selecting.length === 0) return true;
  return selecting.some((p) => {
    const where = `NetworkPolicy ${p.metadata.namespace}/${p.metadata.name}`;
    return ((p['spec'] as PolicySpec).ingress ?? []).some(
      (rule) =>
        (!rule.ports?.length ||
          rule.ports.some((rp) => portMatches(rp, target, port, protocol, where))) &&
        (!rule.from?.length ||
          rule.from.some((peer) => peerMatches(peer, target.namespace, source, where))),
    );
  });
}
