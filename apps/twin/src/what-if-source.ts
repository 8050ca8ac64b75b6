// SimulateWhatIf's view of the twin (what-if-rpc.ts's WhatIfSource) over the twin's snapshots:
// the graph now or as a named snapshot kept it, and the flows telemetry observed, as the
// attack-graph lib's ObservedFlow list (only TCP, UDP and SCTP flows: NetworkPolicy decides those).
import type { Edge, ObservedFlow } from '@omega/attack-graph';
import { IpProtocol } from '@omega/proto';
import type { TwinGraphSource } from './graph-source';
import type { WhatIfSource } from './what-if-rpc';

const PROTOCOLS: Partial<Record<IpProtocol, ObservedFlow['protocol']>> = {
  [IpProtocol.IP_PROTOCOL_TCP]: 'TCP',
  [IpProtocol.IP_PROTOCOL_UDP]: 'UDP',
  [IpProtocol.IP_PROTOCOL_SCTP]: 'SCTP',
};

/** An observed-flow edge as the lib's ObservedFlow; undefined for a protocol policies do not govern. */
export function observedFlowOf(edge: Edge): ObservedFlow | undefined {
  const protocol = PROTOCOLS[edge.protocol];
  if (!protocol) return undefined;
  return {
    from: edge.fromNodeId,
    to: edge.toNodeId,
    port: edge.port,
    protocol,
    count: Number(edge.observedCount),
    lastSeenNs: edge.lastObservedTimeNs,
  };
}

export function whatIfSourceOf(source: TwinGraphSource): WhatIfSource {
  return {
    current: () => source.snapshot().graph(),
    snapshot: (id) => source.snapshot(id).graph(),
    observedFlows: () =>
      source
        .snapshot()
        .observedFlows.map(observedFlowOf)
        .filter((f): f is ObservedFlow => f !== undefined),
  };
}
