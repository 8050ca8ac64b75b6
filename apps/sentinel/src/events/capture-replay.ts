// Turns a capture into the sentinel's flow (Network Activity) and DNS events, the same stream the
// live probes produce from the same traffic: DNS events at their packet's time, and flows exported
// as the live path exports them. The kernel's flow table is replayed in capture time: it is drained
// every `drainIntervalMs`, a flow idle for `idleTimeoutMs` ends (its final record), and a long one is
// exported once per `activeTimeoutMs` with the traffic since its previous record (flow-exporter.ts,
// the very exporter the live path uses). So detectors see one time-ordered stream either way.
import type { Event } from '@omega/proto';
import { FrameType, type FlowFrame } from '../wire/loader-frames';
import { dnsEvent, flowEvent, type Flow } from './network-events';
import { FlowExporter } from './flow-exporter';
import { decodePacket } from '../wire/packet-decoder';
import type { CapturedPacket } from '../wire/pcap-reader';

export type { Flow } from './network-events';

export interface ReplayResult {
  /** The flow records, as the live path exports them (a long flow gives several). */
  flows: Flow[];
  /** DNS and flow events in time order. */
  events: Event[];
  /** Packets that were not IP (ARP, unknown link types). */
  skippedPackets: number;
}

/** The live path's flow timing (sentinel config `flows`), defaults included. */
export interface ReplayTiming {
  drainIntervalMs: number;
  idleTimeoutMs: number;
  activeTimeoutMs: number;
}

export const LIVE_FLOW_TIMING: ReplayTiming = {
  drainIntervalMs: 1_000,
  idleTimeoutMs: 10_000,
  activeTimeoutMs: 60_000,
};

export function replayPackets(
  packets: CapturedPacket[],
  node: string,
  timing: ReplayTiming = LIVE_FLOW_TIMING,
): ReplayResult {
  const table = new Map<string, FlowFrame>();
  const exporter = new FlowExporter({ activeTimeoutMs: timing.activeTimeoutMs });
  const drainNs = BigInt(timing.drainIntervalMs) * 1_000_000n;
  const idleNs = BigInt(timing.idleTimeoutMs) * 1_000_000n;
  const flows: Flow[] = [];
  const events: Event[] = [];
  let skippedPackets = 0;
  let nextDrainNs: bigint | undefined;

  const exportFlow = (frame: FlowFrame) => {
    const flow = exporter.onFrame(frame);
    if (!flow) return;
    flows.push(flow);
    events.push(flowEvent(flow, node, 'pcap'));
  };
  // One pass of the loader over the kernel's table at `nowNs`: idle flows end, the rest are read.
  const drain = (nowNs: bigint) => {
    for (const [key, frame] of table) {
      if (nowNs - frame.lastNs >= idleNs) {
        table.delete(key);
        exportFlow({ ...frame, ended: true });
      } else {
        exportFlow({ ...frame });
      }
    }
  };

  for (const packet of packets) {
    nextDrainNs ??= packet.timeNs + drainNs;
    while (nextDrainNs <= packet.timeNs) {
      drain(nextDrainNs);
      nextDrainNs += drainNs;
    }
    const p = decodePacket(packet.linkType, packet.data);
    if (!p) {
      skippedPackets++;
      continue;
    }
    const forward = `${p.protocol}|${p.src}|${p.srcPort}|${p.dst}|${p.dstPort}`;
    const reverse = `${p.protocol}|${p.dst}|${p.dstPort}|${p.src}|${p.srcPort}`;
    let frame = table.get(forward);
    let outbound = true;
    if (!frame) {
      frame = table.get(reverse);
      outbound = false;
    }
    if (!frame) {
      frame = {
        type: FrameType.Flow,
        protocol: p.protocol,
        src: p.src,
        srcPort: p.srcPort,
        dst: p.dst,
        dstPort: p.dstPort,
        ended: false,
        tcpFlags: 0,
        firstNs: packet.timeNs,
        lastNs: packet.timeNs,
        bytesOut: 0n,
        bytesIn: 0n,
        packetsOut: 0n,
        packetsIn: 0n,
      };
      table.set(forward, frame);
      outbound = true;
    }
    if (outbound) {
      frame.bytesOut += BigInt(p.ipBytes);
      frame.packetsOut++;
    } else {
      frame.bytesIn += BigInt(p.ipBytes);
      frame.packetsIn++;
    }
    frame.lastNs = packet.timeNs;
    frame.tcpFlags |= p.tcpFlags;
    if (p.protocol === 17 && (p.srcPort === 53 || p.dstPort === 53)) {
      const dns = dnsEvent({ ...p, timeNs: packet.timeNs }, node, 'pcap');
      if (dns) events.push(dns);
    }
  }
  // The capture ends: the table keeps draining until every flow has gone idle and ended.
  while (table.size > 0 && nextDrainNs !== undefined) {
    drain(nextDrainNs);
    nextDrainNs += drainNs;
  }
  return { flows, events, skippedPackets };
}
