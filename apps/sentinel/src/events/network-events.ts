// Network Activity (flow, TCP state) and DNS Activity events: one mapping for live eBPF telemetry and
// pcap replay, so intelligence treats live and replayed traffic alike.
import {
  DnsActivityId,
  Event,
  EventClass,
  NetworkActivityId,
  NetworkDirection,
  Severity,
  type NetworkEndpoint,
} from '@omega/proto';
import { decodeDnsSummary, type DnsSummary } from '../wire/dns-message';
import { uuidv7 } from './event-id';
import { TcpStateEvent, type TcpStateFrame } from '../wire/loader-frames';

/** Where an event came from: `Event.unmapped["sentinel.source"]`. */
export type EventSource = 'pcap' | 'ebpf';

export interface Flow {
  protocol: number;
  /** The side that sent the first packet seen. */
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  bytesOut: number;
  bytesIn: number;
  packetsOut: number;
  packetsIn: number;
  firstNs: bigint;
  lastNs: bigint;
  tcpFlags: number;
}

/** One UDP datagram to or from port 53. */
export interface DnsDatagram {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  timeNs: bigint;
  payload: Uint8Array;
}

// Events are built as complete messages (the compiler checks every field) rather than through
// Event.fromPartial, whose deep copy cost a measurable share of the sentinel's CPU per event.

function endpoint(ip: string, port: number): NetworkEndpoint {
  return { ip, port, hostname: '', mac: '', workload: undefined };
}

function networkEvent(
  fields: Pick<
    Event,
    | 'id'
    | 'timeNs'
    | 'classUid'
    | 'message'
    | 'srcEndpoint'
    | 'dstEndpoint'
    | 'node'
    | 'unmapped'
    | 'payload'
  > &
    Partial<Pick<Event, 'rawData' | 'actor'>>,
): Event {
  return {
    severity: Severity.SEVERITY_INFORMATIONAL,
    actor: undefined,
    workload: undefined,
    rawData: EMPTY,
    ...fields,
  };
}
const EMPTY = Buffer.alloc(0);

export function flowEvent(flow: Flow, node: string, source: EventSource): Event {
  return networkEvent({
    id: uuidv7(Number(flow.firstNs / 1_000_000n)),
    timeNs: flow.lastNs,
    classUid: EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
    message: `flow ${flow.src}:${flow.srcPort} -> ${flow.dst}:${flow.dstPort} proto ${flow.protocol}`,
    srcEndpoint: endpoint(flow.src, flow.srcPort),
    dstEndpoint: endpoint(flow.dst, flow.dstPort),
    node,
    unmapped: { 'sentinel.source': source },
    payload: {
      $case: 'networkActivity',
      value: {
        activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_TRAFFIC,
        protocol: flow.protocol,
        direction: NetworkDirection.NETWORK_DIRECTION_UNSPECIFIED,
        traffic: {
          bytesOut: BigInt(flow.bytesOut),
          bytesIn: BigInt(flow.bytesIn),
          packetsOut: BigInt(flow.packetsOut),
          packetsIn: BigInt(flow.packetsIn),
        },
        interval: { startTimeNs: flow.firstNs, endTimeNs: flow.lastNs },
        tcpFlags: flow.tcpFlags,
        communityUid: '',
      },
    },
  });
}

/** The DNS event for a datagram, or undefined when it does not decode as DNS (its flow still counts it). */
export function dnsEvent(p: DnsDatagram, node: string, source: EventSource): Event | undefined {
  let message: DnsSummary;
  const payload = Buffer.isBuffer(p.payload) ? p.payload : Buffer.from(p.payload);
  try {
    message = decodeDnsSummary(payload);
  } catch {
    return undefined; // not DNS after all (or truncated): the flow still counts it
  }
  const question = message.question;
  const response = message.response;
  return networkEvent({
    id: uuidv7(Number(p.timeNs / 1_000_000n)),
    timeNs: p.timeNs,
    classUid: EventClass.EVENT_CLASS_DNS_ACTIVITY,
    message: `dns ${response ? 'response' : 'query'} ${question?.name ?? ''} ${question?.type ?? ''}`,
    srcEndpoint: endpoint(p.src, p.srcPort),
    dstEndpoint: endpoint(p.dst, p.dstPort),
    node,
    unmapped: { 'sentinel.source': source },
    rawData: payload,
    payload: {
      $case: 'dnsActivity',
      value: {
        activityId: response
          ? DnsActivityId.DNS_ACTIVITY_ID_RESPONSE
          : DnsActivityId.DNS_ACTIVITY_ID_QUERY,
        query: {
          hostname: question?.name ?? '',
          type: question?.type ?? '',
          class: question?.class ?? '',
          packetUid: message.id,
        },
        answers: message.answers,
        rcode: message.rcode,
        responseTimeNs: 0n,
        protocol: 17,
      },
    },
  });
}

const TCP_SYN_SENT = 2;

/** The Network Activity event for a TCP state change: OPEN (connect or accept), CLOSE, or FAIL. */
export function tcpStateEvent(frame: TcpStateFrame, node: string): Event {
  const { activityId, direction, verb } = tcpActivity(frame);
  const unmapped: Record<string, string> = {
    'sentinel.source': 'ebpf',
    'tcp.old_state': String(frame.oldState),
    'tcp.new_state': String(frame.newState),
  };
  if (frame.cgroupId !== 0n) unmapped['bpf.cgroup_id'] = frame.cgroupId.toString();
  const owner = frame.pid !== 0;
  return Event.fromPartial({
    id: uuidv7(Number(frame.timeNs / 1_000_000n)),
    timeNs: frame.timeNs,
    classUid: EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
    severity: Severity.SEVERITY_INFORMATIONAL,
    message: `tcp ${verb} ${frame.src}:${frame.srcPort} -> ${frame.dst}:${frame.dstPort}${owner ? ` (pid ${frame.pid} ${frame.comm})` : ''}`,
    // local end first: the kernel reports the socket's own address as the source
    srcEndpoint: { ip: frame.src, port: frame.srcPort },
    dstEndpoint: { ip: frame.dst, port: frame.dstPort },
    actor: owner
      ? {
          process: { pid: frame.pid, name: frame.comm },
          user: { posixUid: frame.uid },
        }
      : undefined,
    node,
    unmapped,
    payload: {
      $case: 'networkActivity',
      value: {
        activityId,
        protocol: 6,
        direction,
        traffic:
          frame.event === TcpStateEvent.Close
            ? { bytesOut: frame.bytesAcked, bytesIn: frame.bytesReceived }
            : undefined,
      },
    },
  });
}

function tcpActivity(frame: TcpStateFrame): {
  activityId: NetworkActivityId;
  direction: NetworkDirection;
  verb: string;
} {
  switch (frame.event) {
    case TcpStateEvent.Accept:
      return {
        activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_OPEN,
        direction: NetworkDirection.NETWORK_DIRECTION_INBOUND,
        verb: 'accept',
      };
    case TcpStateEvent.Close:
      // closing straight from SYN_SENT: the connection never opened (refused or timed out)
      return frame.oldState === TCP_SYN_SENT
        ? {
            activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_FAIL,
            direction: NetworkDirection.NETWORK_DIRECTION_OUTBOUND,
            verb: 'connect failed',
          }
        : {
            activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_CLOSE,
            direction: NetworkDirection.NETWORK_DIRECTION_UNSPECIFIED,
            verb: 'close',
          };
    default:
      return {
        activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_OPEN,
        direction: NetworkDirection.NETWORK_DIRECTION_OUTBOUND,
        verb: 'connect',
      };
  }
}
