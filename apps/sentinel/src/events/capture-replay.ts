// Turns a capture into the sentinel's flow (Network Activity, one per 5-tuple and direction pair)
// and DNS events, the same events the live probes produce.
import type { Event } from '@omega/proto';
import { dnsEvent, flowEvent, type Flow } from './network-events';
import { decodePacket } from '../wire/packet-decoder';
import type { CapturedPacket } from '../wire/pcap-reader';

export type { Flow } from './network-events';

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
      const dns = dnsEvent({ ...p, timeNs: packet.timeNs }, node, 'pcap');
      if (dns) events.push(dns);
    }
  }
  for (const flow of flows.values()) events.push(flowEvent(flow, node, 'pcap'));
  return { flows: [...flows.values()], events, skippedPackets };
}
