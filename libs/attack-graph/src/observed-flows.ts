// Observed flows (what telemetry saw, with counts and last-seen): the legitimate traffic a change
// must not break. The twin keeps them; what-if and remediation take them as a plain list.
import { isIP } from 'node:net';
import { Code, OmegaError } from '@omega/errors';
import { GraphEdgeKind, IpProtocol, type GraphEdge } from '@omega/proto';
import type { Endpoint } from '@omega/netpol';

export interface ObservedFlow {
  /** A vertex id (`pod/<ns>/<name>`) or an IP address. */
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly count: number;
  readonly lastSeenNs: bigint;
}

/** At most this many flows per question (a larger list is refused, ResourceExhausted). */
export const MAX_OBSERVED_FLOWS = 200_000;

const PROTOCOLS = {
  TCP: IpProtocol.IP_PROTOCOL_TCP,
  UDP: IpProtocol.IP_PROTOCOL_UDP,
  SCTP: IpProtocol.IP_PROTOCOL_SCTP,
} as const;

export function checkFlows(flows: readonly ObservedFlow[]): void {
  if (flows.length > MAX_OBSERVED_FLOWS) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `observed flows: ${flows.length} given, at most ${MAX_OBSERVED_FLOWS}`,
    );
  }
  flows.forEach((f, i) => {
    for (const end of ['from', 'to'] as const) {
      if (typeof f[end] !== 'string' || f[end].length === 0 || f[end].length > 600) {
        throw new OmegaError(
          Code.InvalidArgument,
          `observed flows[${i}].${end}: a vertex id or an IP address (1-600 characters)`,
        );
      }
    }
    if (!Number.isInteger(f.port) || f.port < 1 || f.port > 65535) {
      throw new OmegaError(
        Code.InvalidArgument,
        `observed flows[${i}].port: ${f.port} is not a port number (1-65535)`,
      );
    }
    if (!(f.protocol in PROTOCOLS)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `observed flows[${i}].protocol: '${String(f.protocol)}' is not TCP, UDP or SCTP`,
      );
    }
  });
}

/** The flow as netpol sees an end: a pod ("ns/name") or an address; undefined for other vertices. */
export function flowEndpoint(end: string): Endpoint | undefined {
  if (isIP(end) !== 0) return { ip: end };
  if (!end.startsWith('pod/')) return undefined;
  return { pod: end.slice(4) };
}

/** The flow as a NETWORK_OBSERVED GraphEdge; `why` names the change that breaks it. */
export function flowEdge(flow: ObservedFlow, why: string): GraphEdge {
  return {
    id: `${flow.from}->${flow.to}:NETWORK_OBSERVED:${flow.port}/${flow.protocol}`,
    fromNodeId: flow.from,
    toNodeId: flow.to,
    kind: GraphEdgeKind.GRAPH_EDGE_KIND_NETWORK_OBSERVED,
    port: flow.port,
    protocol: PROTOCOLS[flow.protocol],
    lastObservedTimeNs: flow.lastSeenNs,
    observedCount: BigInt(flow.count),
    exploitability: 0,
    sourceObject: why,
    attackKind: '',
    techniqueId: '',
    attackMeaning: '',
  };
}
