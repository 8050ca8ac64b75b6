// Turns a capture into the sentinel's flow (Network Activity, one per 5-tuple and direction pair)
// and DNS events, the same events the live probes produce.
import * as dnsPacket from 'dns-packet';
import {
  DnsActivityId,
  Event,
  EventClass,
  NetworkActivityId,
  Severity,
  type DnsAnswer,
} from '@omega/proto';
import { uuidv7 } from './event-id';
import { decodePacket, type DecodedPacket } from './packet-decoder';
import type { CapturedPacket } from './pcap-reader';

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

export interface ReplayResult {
  flows: Flow[];
  events: Event[];
  /** Packets that were not IP (ARP, unknown link types). */
  skippedPackets: number;
}

export function replayPackets(packets: CapturedPacket[], node: string): ReplayResult {
  const flows = new Map<string, Flow>();
  const events: Event[] = [];
  let skippedPackets = 0;
  for (const packet of packets) {
    const p = decodePacket(packet.linkType, packet.data);
    if (!p) {
      skippedPackets++;
      continue;
    }
    const forward = `${p.protocol}|${p.src}|${p.srcPort}|${p.dst}|${p.dstPort}`;
    const reverse = `${p.protocol}|${p.dst}|${p.dstPort}|${p.src}|${p.srcPort}`;
    let flow = flows.get(forward);
    let outbound = true;
    if (!flow) {
      flow = flows.get(reverse);
      outbound = false;
    }
    if (!flow) {
      flow = {
        protocol: p.protocol,
        src: p.src,
        srcPort: p.srcPort,
        dst: p.dst,
        dstPort: p.dstPort,
        bytesOut: 0,
        bytesIn: 0,
        packetsOut: 0,
        packetsIn: 0,
        firstNs: packet.timeNs,
        lastNs: packet.timeNs,
        tcpFlags: 0,
      };
      flows.set(forward, flow);
      outbound = true;
    }
    if (outbound) {
      flow.bytesOut += p.ipBytes;
      flow.packetsOut++;
    } else {
      flow.bytesIn += p.ipBytes;
      flow.packetsIn++;
    }
    flow.lastNs = packet.timeNs;
    flow.tcpFlags |= p.tcpFlags;
    if (p.protocol === 17 && (p.srcPort === 53 || p.dstPort === 53)) {
      const dns = dnsEvent(p, packet, node);
      if (dns) events.push(dns);
    }
  }
  for (const flow of flows.values()) events.push(flowEvent(flow, node));
  return { flows: [...flows.values()], events, skippedPackets };
}

function flowEvent(flow: Flow, node: string): Event {
  return Event.fromPartial({
    id: uuidv7(Number(flow.firstNs / 1_000_000n)),
    timeNs: flow.lastNs,
    classUid: EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
    severity: Severity.SEVERITY_INFORMATIONAL,
    message: `flow ${flow.src}:${flow.srcPort} -> ${flow.dst}:${flow.dstPort} proto ${flow.protocol}`,
    srcEndpoint: { ip: flow.src, port: flow.srcPort },
    dstEndpoint: { ip: flow.dst, port: flow.dstPort },
    node,
    unmapped: { 'sentinel.source': 'pcap' },
    payload: {
      $case: 'networkActivity',
      value: {
        activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_TRAFFIC,
        protocol: flow.protocol,
        traffic: {
          bytesOut: BigInt(flow.bytesOut),
          bytesIn: BigInt(flow.bytesIn),
          packetsOut: BigInt(flow.packetsOut),
          packetsIn: BigInt(flow.packetsIn),
        },
        interval: { startTimeNs: flow.firstNs, endTimeNs: flow.lastNs },
        tcpFlags: flow.tcpFlags,
      },
    },
  });
}

function dnsEvent(p: DecodedPacket, packet: CapturedPacket, node: string): Event | undefined {
  let message: dnsPacket.Packet;
  try {
    message = dnsPacket.decode(Buffer.from(p.payload));
  } catch {
    return undefined; // not DNS after all (or truncated): the flow still counts it
  }
  const question = message.questions?.[0];
  const response = message.type === 'response';
  const answers: DnsAnswer[] = (message.answers ?? []).map((a) => ({
    type: a.type,
    rdata: rdataText(a),
    ttlSeconds: 'ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0,
  }));
  return Event.fromPartial({
    id: uuidv7(Number(packet.timeNs / 1_000_000n)),
    timeNs: packet.timeNs,
    classUid: EventClass.EVENT_CLASS_DNS_ACTIVITY,
    severity: Severity.SEVERITY_INFORMATIONAL,
    message: `dns ${response ? 'response' : 'query'} ${question?.name ?? ''} ${question?.type ?? ''}`,
    srcEndpoint: { ip: p.src, port: p.srcPort },
    dstEndpoint: { ip: p.dst, port: p.dstPort },
    node,
    rawData: Buffer.from(p.payload),
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
          packetUid: message.id ?? 0,
        },
        answers,
        rcode: rcodeNumber((message as { rcode?: string }).rcode),
        protocol: 17,
      },
    },
  });
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
function rcodeNumber(rcode: string | undefined): number {
  const i = RCODES.indexOf(rcode ?? 'NOERROR');
  return i === -1 ? 0 : i;
}

function rdataText(answer: dnsPacket.Answer): string {
  const data = (answer as { data?: unknown }).data;
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('hex');
  if (Array.isArray(data))
    return data.map((d) => (Buffer.isBuffer(d) ? d.toString('utf8') : String(d))).join(' ');
  return JSON.stringify(data);
}
