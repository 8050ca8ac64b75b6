// Turns the loader's cumulative FLOW frames into flow records to publish, NetFlow style: a flow is
// exported when it ends (idle in the kernel) and, while it lasts, once per active timeout with the
// traffic since its previous export, so summing a flow's events gives its totals.
import type { FlowFrame } from '../wire/loader-frames';
import type { Flow } from './network-events';

export interface FlowExporterOptions {
  /** A long-lived flow is exported at least this often (kernel time between exports). */
  activeTimeoutMs: number;
  /** Flows remembered between exports; past it the least recently updated is forgotten. */
  maxFlows?: number;
}

interface Exported {
  bytesOut: bigint;
  bytesIn: bigint;
  packetsOut: bigint;
  packetsIn: bigint;
  /** Kernel time of the last packet covered by the previous export. */
  lastNs: bigint;
}

export class FlowExporter {
  private readonly exported = new Map<string, Exported>();
  private readonly activeTimeoutNs: bigint;
  private readonly maxFlows: number;

  constructor(options: FlowExporterOptions) {
    this.activeTimeoutNs = BigInt(options.activeTimeoutMs) * 1_000_000n;
    this.maxFlows = options.maxFlows ?? 131_072;
  }

  get size(): number {
    return this.exported.size;
  }

  /** The flow record to publish for this frame, if one is due. */
  onFrame(frame: FlowFrame): Flow | undefined {
    const key = `${frame.protocol}|${frame.src}|${frame.srcPort}|${frame.dst}|${frame.dstPort}`;
    let previous = this.exported.get(key);
    // counters below what we exported: the kernel forgot the flow (LRU eviction) and began anew
    if (previous && (frame.bytesOut < previous.bytesOut || frame.bytesIn < previous.bytesIn)) {
      previous = undefined;
    }
    const startNs = previous ? previous.lastNs : frame.firstNs;
    const due =
      frame.ended || frame.lastNs - (previous?.lastNs ?? frame.firstNs) >= this.activeTimeoutNs;
    const base = previous ?? {
      bytesOut: 0n,
      bytesIn: 0n,
      packetsOut: 0n,
      packetsIn: 0n,
      lastNs: frame.firstNs,
    };
    if (!due) {
      this.remember(key, base);
      return undefined;
    }
    const flow: Flow = {
      protocol: frame.protocol,
      src: frame.src,
      srcPort: frame.srcPort,
      dst: frame.dst,
      dstPort: frame.dstPort,
      bytesOut: Number(frame.bytesOut - base.bytesOut),
      bytesIn: Number(frame.bytesIn - base.bytesIn),
      packetsOut: Number(frame.packetsOut - base.packetsOut),
      packetsIn: Number(frame.packetsIn - base.packetsIn),
      firstNs: startNs,
      lastNs: frame.lastNs,
      tcpFlags: frame.tcpFlags,
    };
    if (frame.ended) this.exported.delete(key);
    else {
      this.remember(key, {
        bytesOut: frame.bytesOut,
        bytesIn: frame.bytesIn,
        packetsOut: frame.packetsOut,
        packetsIn: frame.packetsIn,
        lastNs: frame.lastNs,
      });
    }
    return flow.packetsOut + flow.packetsIn > 0 ? flow : undefined;
  }

  private remember(key: string, state: Exported): void {
    this.exported.delete(key); // re-insert: Map order is then least recently updated first
    this.exported.set(key, state);
    if (this.exported.size > this.maxFlows) {
      const oldest = this.exported.keys().next().value;
      if (oldest !== undefined) this.exported.delete(oldest);
    }
  }
}
