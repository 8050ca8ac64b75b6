// Builders of telemetry events (flows, DNS queries, deception touches) for detector tests, benches and scenario generators.
import {
  DecoyKind,
  DnsActivityId,
  EventClass,
  InteractionKind,
  IpProtocol,
  NetworkActivityId,
  NetworkDirection,
  Severity,
  type Event,
  type NetworkEndpoint,
  type Workload,
} from '@omega/proto';

export interface Endpoint {
  ip: string;
  port?: number;
  hostname?: string;
  /** `namespace/pod`, optionally `namespace/pod@serviceAccount`. */
  workload?: string;
}

const EMPTY = Buffer.alloc(0);

export function workloadOf(spec: string): Workload {
  const [path = '', serviceAccount = ''] = spec.split('@');
  const [namespace = '', pod = ''] = path.split('/');
  return {
    namespace,
    pod,
    podUid: '',
    container: '',
    containerId: '',
    image: '',
    serviceAccount,
    podLabels: {},
  };
}

function endpoint(e: Endpoint): NetworkEndpoint {
  return {
    ip: e.ip,
    port: e.port ?? 0,
    hostname: e.hostname ?? '',
    mac: '',
    workload: e.workload ? workloadOf(e.workload) : undefined,
  };
}

function baseEvent(
  id: string,
  timeNs: bigint,
  classUid: EventClass,
  src: Endpoint,
  dst?: Endpoint,
): Event {
  return {
    id,
    timeNs,
    classUid,
    severity: Severity.SEVERITY_INFORMATIONAL,
    message: '',
    srcEndpoint: endpoint(src),
    dstEndpoint: dst ? endpoint(dst) : undefined,
    node: 'node-1',
    unmapped: {},
    rawData: EMPTY,
  };
}

export interface FlowOptions {
  id: string;
  timeNs: bigint;
  src: Endpoint;
  dst: Endpoint;
  activity?: NetworkActivityId;
  bytesOut?: number;
  bytesIn?: number;
  packetsOut?: number;
  packetsIn?: number;
  tcpFlags?: number;
  /** Flow start, for TRAFFIC summaries (the interval ends at timeNs). */
  startTimeNs?: bigint;
}

/** A network activity event (default: a CLOSE record with its byte counters). */
export function flowEvent(o: FlowOptions): Event {
  const event = baseEvent(o.id, o.timeNs, EventClass.EVENT_CLASS_NETWORK_ACTIVITY, o.src, o.dst);
  event.payload = {
    $case: 'networkActivity',
    value: {
      activityId: o.activity ?? NetworkActivityId.NETWORK_ACTIVITY_ID_CLOSE,
      protocol: IpProtocol.IP_PROTOCOL_TCP,
      direction: NetworkDirection.NETWORK_DIRECTION_OUTBOUND,
      traffic: {
        bytesOut: BigInt(o.bytesOut ?? 0),
        bytesIn: BigInt(o.bytesIn ?? 0),
        packetsOut: BigInt(o.packetsOut ?? 0),
        packetsIn: BigInt(o.packetsIn ?? 0),
      },
      interval:
        o.startTimeNs === undefined
          ? undefined
          : { startTimeNs: o.startTimeNs, endTimeNs: o.timeNs },
      tcpFlags: o.tcpFlags ?? 0,
      communityUid: '',
    },
  };
  return event;
}

/**
 * A DNS query event for `hostname` from `src` to `dst` (the cluster resolver unless given). With
 * `response`, the packet is the resolver's answer: `src` is then the resolver and `dst` the client.
 */
export function dnsEvent(o: {
  id: string;
  timeNs: bigint;
  src: Endpoint;
  dst?: Endpoint;
  hostname: string;
  response?: boolean;
}): Event {
  const event = baseEvent(
    o.id,
    o.timeNs,
    EventClass.EVENT_CLASS_DNS_ACTIVITY,
    o.src,
    o.dst ?? { ip: '10.96.0.10', port: 53 },
  );
  event.payload = {
    $case: 'dnsActivity',
    value: {
      activityId: o.response
        ? DnsActivityId.DNS_ACTIVITY_ID_RESPONSE
        : DnsActivityId.DNS_ACTIVITY_ID_QUERY,
      query: { hostname: o.hostname, type: 'A', class: 'IN', packetUid: 0 },
      answers: [],
      rcode: 0,
      responseTimeNs: 0n,
      protocol: IpProtocol.IP_PROTOCOL_UDP,
    },
  };
  return event;
}

/** An interaction with a decoy, or (with `honeytokenId`) the use of a honeytoken. */
export function deceptionEvent(o: {
  id: string;
  timeNs: bigint;
  src: Endpoint;
  decoyId?: string;
  decoyKind?: DecoyKind;
  honeytokenId?: string;
  kind?: InteractionKind;
  username?: string;
  request?: string;
  sessionId?: string;
}): Event {
  const event = baseEvent(o.id, o.timeNs, EventClass.EVENT_CLASS_DECEPTION_INTERACTION, o.src);
  event.payload = {
    $case: 'deceptionInteraction',
    value: {
      kind: o.kind ?? InteractionKind.INTERACTION_KIND_CONNECT,
      decoyId: o.decoyId ?? '',
      decoyKind: o.decoyKind ?? DecoyKind.DECOY_KIND_UNSPECIFIED,
      honeytokenId: o.honeytokenId ?? '',
      protocol: '',
      username: o.username ?? '',
      request: o.request ?? '',
      payloadSample: EMPTY,
      sessionId: o.sessionId ?? '',
    },
  };
  return event;
}
