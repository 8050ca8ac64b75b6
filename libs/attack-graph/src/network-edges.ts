// Pod-to-pod network edges from a reachability function: the seam where NetworkPolicy evaluation
// (a separate pure library) plugs in. The graph asks only "may this pod open a connection to that
// pod on this port?" for the ports the target declares.
import { IpProtocol } from '@omega/proto';
import type { ClusterState } from './cluster-state';
import { attackEdge, type Edge } from './graph-model';
import type { PodObject } from './kube-objects';

export interface PortRef {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  /** The container port's name, for policies that name ports. */
  readonly name?: string;
}

/**
 * Whether NetworkPolicies (and whatever else decides) let `from` open a connection to `to` on
 * `port`. Pure and deterministic: the graph calls it again whenever a pod, a namespace or a
 * NetworkPolicy changes, and expects the same answer for the same cluster.
 */
export type PodReachability = (from: PodObject, to: PodObject, port: PortRef) => boolean;

const PROTOCOLS = {
  TCP: IpProtocol.IP_PROTOCOL_TCP,
  UDP: IpProtocol.IP_PROTOCOL_UDP,
  SCTP: IpProtocol.IP_PROTOCOL_SCTP,
} as const;

/** The network edges from `source` to each of `targets` on the ports they declare. */
export function networkEdges(
  _state: ClusterState | undefined,
  source: PodObject,
  targets: readonly PodObject[],
  reachable: PodReachability,
): Edge[] {
  const from = `pod/${source.metadata.namespace}/${source.metadata.name}`;
  const out: Edge[] = [];
  for (const target of targets) {
    if (target === source) continue;
    const to = `pod/${target.metadata.namespace}/${target.metadata.name}`;
    for (const c of target.spec.containers) {
      for (const p of c.ports ?? []) {
        const port: PortRef = {
          port: p.containerPort,
          protocol: p.protocol ?? 'TCP',
          name: p.name,
        };
        if (!reachable(source, target, port)) continue;
        const edge = attackEdge(from, to, 'NETWORK_REACH', to, port.port);
        out.push({
          ...edge,
          id: `${edge.id}/${port.protocol}`,
          protocol: PROTOCOLS[port.protocol],
        });
      }
    }
  }
  return out;
}
