// Network activity events shaped as the sentinel emits them (apps/sentinel/src/events/network-events.ts:
// tcpStateEvent for the kernel's TCP state changes, flowEvent for its NetFlow-style flow records),
// for specs of how detectors count connections. Apps cannot be imported from a lib, so the shapes
// are restated here field for field.
import { Event, EventClass, NetworkActivityId, NetworkDirection, Severity } from '@omega/proto';

export interface SentinelConnection {
  /** Prefix of the events' ids. */
  id: string;
  /** The local socket's end (the kernel reports it as the source). */
  local: { ip: string; port: number };
  remote: { ip: string; port: number };
  /** connect() time. */
  startNs: bigint;
  /** Close time. */
  endNs: bigint;
  /** Bytes the local end sent (its socket's bytes_acked) and received. */
  bytesOut: number;
  bytesIn: number;
  /** The local socket accepted the connection (default: it connected out). */
  inbound?: boolean;
}

const TCP_CLOSE = 7;
const TCP_SYN_SENT = 2;
const TCP_ESTABLISHED = 1;
const TCP_FIN_WAIT1 = 4;

/** The TCP state events of one connection: OPEN (connect, or accept) and CLOSE with its counters. */
export function tcpStateEvents(c: SentinelConnection): [open: Event, close: Event] {
  const base = (id: string, timeNs: bigint, oldState: number, newState: number) => ({
    id,
    timeNs,
    classUid: EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
    severity: Severity.SEVERITY_INFORMATIONAL,
    srcEndpoint: { ip: c.local.ip, port: c.local.port },
    dstEndpoint: { ip: c.remote.ip, port: c.remote.port },
    actor: { process: { pid: 4242, name: 'node' }, user: { posixUid: 0 } },
    node: 'demo-victim',
    unmapped: {
      'sentinel.source': 'ebpf',
      'tcp.old_state': String(oldState),
      'tcp.new_state': String(newState),
    },
  });
  const open = Event.fromPartial({
    ...base(
      `${c.id}-open`,
      c.startNs,
      c.inbound ? 10 : TCP_CLOSE,
      c.inbound ? TCP_ESTABLISHED : TCP_SYN_SENT,
    ),
    message: `tcp ${c.inbound ? 'accept' : 'connect'} ${c.local.ip}:${c.local.port} -> ${c.remote.ip}:${c.remote.port}`,
    payload: {
      $case: 'networkActivity',
      value: {
        activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_OPEN,
        protocol: 6,
        direction: c.inbound
          ? NetworkDirection.NETWORK_DIRECTION_INBOUND
          : NetworkDirection.NETWORK_DIRECTION_OUTBOUND,
      },
    },
  });
  const close = Event.fromPartial({
    ...base(`${c.id}-close`, c.endNs, TCP_FIN_WAIT1, TCP_CLOSE),
    message: `tcp close ${c.local.ip}:${c.local.port} -> ${c.remote.ip}:${c.remote.port}`,
    payload: {
      $case: 'networkActivity',
      value: {
        activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_CLOSE,
        protocol: 6,
        direction: NetworkDirection.NETWORK_DIRECTION_UNSPECIFIED,
        traffic: { bytesOut: BigInt(c.bytesOut), bytesIn: BigInt(c.bytesIn) },
      },
    },
  });
  return [open, close];
}

/**
 * A flow record of the connection's packets (`source` ebpf: the tcx flow accounting; pcap: replay),
 * from the side that sent the first packet, its bytes counted at the IP layer. `from`/`to` cut one
 * export out of a long flow (the active timeout); by default the whole connection.
 */
export function flowRecord(
  c: SentinelConnection,
  source: 'ebpf' | 'pcap',
  part: { id?: string; fromNs?: bigint; toNs?: bigint; packets?: number } = {},
): Event {
  const [client, server] = c.inbound ? [c.remote, c.local] : [c.local, c.remote];
  const [out, back] = c.inbound ? [c.bytesIn, c.bytesOut] : [c.bytesOut, c.bytesIn];
  const packets = part.packets ?? 5;
  const headers = 52 * packets;
  const fromNs = part.fromNs ?? c.startNs;
  const toNs = part.toNs ?? c.endNs;
  return Event.fromPartial({
    id: part.id ?? `${c.id}-flow`,
    timeNs: toNs,
    classUid: EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
    severity: Severity.SEVERITY_INFORMATIONAL,
    message: `flow ${client.ip}:${client.port} -> ${server.ip}:${server.port} proto 6`,
    srcEndpoint: { ip: client.ip, port: client.port },
    dstEndpoint: { ip: server.ip, port: server.port },
    node: 'demo-victim',
    unmapped: { 'sentinel.source': source },
    payload: {
      $case: 'networkActivity',
      value: {
        activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_TRAFFIC,
        protocol: 6,
        direction: NetworkDirection.NETWORK_DIRECTION_UNSPECIFIED,
        traffic: {
          bytesOut: BigInt(out + headers),
          bytesIn: BigInt(back + headers),
          packetsOut: BigInt(packets),
          packetsIn: BigInt(packets),
        },
        interval: { startTimeNs: fromNs, endTimeNs: toNs },
        tcpFlags: 0x1b,
      },
    },
  });
}
