// A NetworkPolicy that removes some allowed connections from pods that no policy isolates yet,
// and keeps every other one. NetworkPolicy v1 is an allow-list whose policies add up, so the
// policy admits, for the pods it selects: every peer on every port not cut, and on each cut port
// every peer but the cut ones — other namespaces by a namespaceSelector NotIn, the cut pods'
// namespaces by pods lacking one of each cut pod's labels, and addresses outside the cluster by an
// ipBlock of everything but the cut pods' addresses. Pods sharing all of a cut pod's labels
// (its replicas) are cut with it: a label selector cannot tell them apart.
import { NAMESPACE_NAME_LABEL } from '@omega/netpol';
import type { PodObject } from './kube-objects';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface CutConnection {
  /** The pod the connection comes from (ingress) or goes to (egress), which loses it. */
  readonly peer: PodObject;
  readonly port: number;
  readonly protocol: Protocol;
}

/** At most this many peers in one rule (label combinations grow as a product). */
export const MAX_RULE_PEERS = 256;

interface Requirement {
  key: string;
  operator: 'NotIn';
  values: string[];
}

/** Every way to pick one label from each cut pod: a pod lacking each pick lacks one of each pod's labels. */
function lackingEach(labelSets: Record<string, string>[]): Requirement[][] | undefined {
  let combos: Map<string, Set<string>>[] = [new Map()];
  for (const labels of labelSets) {
    const entries = Object.entries(labels);
    if (entries.length === 0) return [];
    const next: Map<string, Set<string>>[] = [];
    for (const combo of combos) {
      for (const [k, v] of entries) {
        const copy = new Map([...combo].map(([key, vs]) => [key, new Set(vs)]));
        copy.set(k, (copy.get(k) ?? new Set()).add(v));
        next.push(copy);
      }
    }
    if (next.length > MAX_RULE_PEERS) return undefined;
    combos = next;
  }
  const seen = new Set<string>();
  const out: Requirement[][] = [];
  for (const combo of combos) {
    const reqs = [...combo.keys()]
      .sort()
      .map((key) => ({ key, operator: 'NotIn' as const, values: [...combo.get(key)!].sort() }));
    const text = JSON.stringify(reqs);
    if (!seen.has(text)) {
      seen.add(text);
      out.push(reqs);
    }
  }
  return out;
}

function ipsOf(pod: PodObject): string[] {
  const status = (pod as { status?: { podIP?: string; podIPs?: { ip: string }[] } }).status;
  const ips = new Set<string>(status?.podIP ? [status.podIP] : []);
  for (const p of status?.podIPs ?? []) ips.add(p.ip);
  return [...ips];
}

/** Peers admitting everything but the cut pods (and pods with all of a cut pod's labels). */
export function peersExcept(
  cut: readonly PodObject[],
  allPods: readonly PodObject[],
): object[] | undefined {
  const byNs = new Map<string, Record<string, string>[]>();
  for (const p of cut) {
    const list = byNs.get(p.metadata.namespace!) ?? [];
    list.push({ ...p.metadata.labels });
    byNs.set(p.metadata.namespace!, list);
  }
  const peers: object[] = [
    {
      namespaceSelector: {
        matchExpressions: [
          { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...byNs.keys()].sort() },
        ],
      },
    },
  ];
  for (const [ns, labelSets] of [...byNs].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const combos = lackingEach(labelSets);
    if (combos === undefined) return undefined;
    for (const matchExpressions of combos) {
      peers.push({
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } },
        podSelector: { matchExpressions },
      });
    }
  }
  // Addresses outside the cluster; the addresses of every pod cut (replicas included) are excepted.
  const excluded = allPods.filter((p) =>
    (byNs.get(p.metadata.namespace!) ?? []).some((labels) =>
      Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v),
    ),
  );
  const ips = excluded.flatMap(ipsOf);
  const v4 = ips
    .filter((ip) => !ip.includes(':'))
    .sort()
    .map((ip) => `${ip}/32`);
  const v6 = ips
    .filter((ip) => ip.includes(':'))
    .sort()
    .map((ip) => `${ip}/128`);
  peers.push({ ipBlock: { cidr: '0.0.0.0/0', ...(v4.length ? { except: v4 } : {}) } });
  peers.push({ ipBlock: { cidr: '::/0', ...(v6.length ? { except: v6 } : {}) } });
  return peers.length > MAX_RULE_PEERS ? undefined : peers;
}

/** Port entries for every port of every protocol but the cut ones. */
export function portsExcept(cut: readonly { port: number; protocol: Protocol }[]): object[] {
  const out: object[] = [];
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
    const ports = [...new Set(cut.filter((c) => c.protocol === protocol).map((c) => c.port))].sort(
      (a, b) => a - b,
    );
    if (ports.length === 0) {
      out.push({ protocol });
      continue;
    }
    let from = 1;
    for (const p of [...ports, 65536]) {
      if (p > from)
        out.push(
          p - 1 === from ? { protocol, port: from } : { protocol, port: from, endPort: p - 1 },
        );
      from = p + 1;
    }
  }
  return out;
}

/**
 * The policy: `selector` picks the pods that lose the connections (destinations for ingress,
 * sources for egress) in `namespace`; everything else they allow today is kept (they must not be
 * isolated for that direction yet: the caller checks, and verification confirms nothing opens).
 */
export function cutPolicy(
  name: string,
  namespace: string,
  selector: Record<string, string>,
  direction: 'ingress' | 'egress',
  cuts: readonly CutConnection[],
  allPods: readonly PodObject[],
): object | undefined {
  const peerField = direction === 'ingress' ? 'from' : 'to';
  const rules: object[] = [{ ports: portsExcept(cuts) }];
  const byPort = new Map<string, CutConnection[]>();
  for (const c of cuts) {
    const key = `${c.protocol}/${c.port}`;
    byPort.set(key, [...(byPort.get(key) ?? []), c]);
  }
  for (const [key, list] of [...byPort].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const peers = peersExcept(
      list.map((c) => c.peer),
      allPods,
    );
    if (!peers) return undefined;
    const [protocol, port] = key.split('/');
    rules.push({ [peerField]: peers, ports: [{ protocol, port: Number(port) }] });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'omega-twin' },
      annotations: {
        'omega.io/cuts': cuts
          .map(
            (c) => `${c.peer.metadata.namespace}/${c.peer.metadata.name}:${c.protocol}/${c.port}`,
          )
          .join(','),
      },
    },
    spec: {
      podSelector: Object.keys(selector).length ? { matchLabels: { ...selector } } : {},
      policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
      [direction]: rules,
    },
  };
}
