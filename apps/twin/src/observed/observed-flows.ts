// Network flows seen in TELEMETRY, as NETWORK_OBSERVED edges between vertices: each address is
// the pod that holds it (by pod IP, or the workload the sentinel named), else `external`; each
// edge counts its flows and keeps the last time one was seen. Bounded: the least recently seen
// edge goes first.
import { EXTERNAL_ID, type Edge } from '@omega/attack-graph';
import {
  GraphEdgeKind,
  IpProtocol,
  type Event,
  type EventBatch,
  type NetworkEndpoint,
} from '@omega/proto';
import { KeptRecords, type KeptRecord } from './kept-records';

export interface FlowRecord extends KeptRecord {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: IpProtocol;
  readonly count: bigint;
}

export const flowCodec = {
  encode: (r: FlowRecord) => ({ ...r, count: String(r.count), lastNs: String(r.lastNs) }),
  decode(json: unknown): FlowRecord | undefined {
    const r = json as Partial<Record<keyof FlowRecord, unknown>> | undefined;
    if (typeof r?.from !== 'string' || typeof r.to !== 'string') return undefined;
    if (typeof r.port !== 'number' || typeof r.protocol !== 'number') return undefined;
    if (typeof r.count !== 'string' || typeof r.lastNs !== 'string') return undefined;
    return {
      from: r.from,
      to: r.to,
      port: r.port,
      protocol: r.protocol as IpProtocol,
      count: BigInt(r.count),
      lastNs: BigInt(r.lastNs),
    };
  },
};

/** The vertex of an address: the pod holding it, or `external`. */
export type AddressResolver = (address: string) => string | undefined;

export class ObservedFlows {
  readonly records: KeptRecords<FlowRecord>;

  constructor(maxFlows: number) {
    this.records = new KeptRecords('flow', maxFlows, flowCodec);
  }

  /** Records the network events of a batch; returns how many were flows. */
  recordBatch(batch: EventBatch, resolve: AddressResolver): number {
    let flows = 0;
    for (const event of batch.events) if (this.recordEvent(event, resolve)) flows++;
    return flows;
  }

  recordEvent(event: Event, resolve: AddressResolver): boolean {
    if (event.payload?.$case !== 'networkActivity') return false;
    const src = event.srcEndpoint;
    const dst = event.dstEndpoint;
    if (!src?.ip || !dst?.ip) return false;
    const from = vertexOf(src, resolve);
    const to = vertexOf(dst, resolve);
    if (from === to) return false;
    const port = dst.port;
    const protocol = event.payload.value.protocol;
    const id = flowEdgeId(from, to, port, protocol);
    const before = this.records.get(id);
    const lastNs = before && before.lastNs > event.timeNs ? before.lastNs : event.timeNs;
    this.records.set(id, { from, to, port, protocol, count: (before?.count ?? 0n) + 1n, lastNs });
    return true;
  }

  /** The NETWORK_OBSERVED edges, by id. */
  edges(): Edge[] {
    const out: Edge[] = [];
    for (const r of this.records.values()) {
      out.push({
        id: flowEdgeId(r.from, r.to, r.port, r.protocol),
        fromNodeId: r.from,
        toNodeId: r.to,
        kind: GraphEdgeKind.GRAPH_EDGE_KIND_NETWORK_OBSERVED,
        port: r.port,
        protocol: r.protocol,
        lastObservedTimeNs: r.lastNs,
        observedCount: r.count,
        exploitability: 0,
        sourceObject: 'TELEMETRY',
        attack: undefined,
        attackKind: '',
        techniqueId: '',
        attackMeaning: '',
      });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

function vertexOf(endpoint: NetworkEndpoint, resolve: AddressResolver): string {
  const byAddress = resolve(endpoint.ip);
  if (byAddress) return byAddress;
  const workload = endpoint.workload;
  if (workload?.pod && workload.namespace) return `pod/${workload.namespace}/${workload.pod}`;
  return EXTERNAL_ID;
}

export function flowEdgeId(from: string, to: string, port: number, protocol: IpProtocol): string {
  return `${from}->${to}:OBSERVED:${port}/${IpProtocol[protocol] ?? protocol}`;
}
