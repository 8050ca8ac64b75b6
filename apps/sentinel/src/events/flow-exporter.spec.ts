// FlowExporter: cumulative kernel counters in, per-interval flow records out, summing to the totals.
import { FlowExporter } from './flow-exporter';
import { FrameType, type FlowFrame } from '../wire/loader-frames';

const S = 1_000_000_000n;

function frame(over: Partial<FlowFrame>): FlowFrame {
  return {
    type: FrameType.Flow,
    protocol: 6,
    src: '10.0.0.1',
    srcPort: 40000,
    dst: '10.0.0.2',
    dstPort: 443,
    ended: false,
    tcpFlags: 0x18,
    firstNs: 100n * S,
    lastNs: 100n * S,
    bytesOut: 0n,
    bytesIn: 0n,
    packetsOut: 0n,
    packetsIn: 0n,
    ...over,
  };
}

describe('FlowExporter', () => {
  it('exports a short flow once, when it ends, with its totals', () => {
    const exporter = new FlowExporter({ activeTimeoutMs: 60_000 });
    expect(
      exporter.onFrame(frame({ lastNs: 101n * S, bytesOut: 100n, packetsOut: 1n })),
    ).toBeUndefined();
    const flow = exporter.onFrame(
      frame({
        ended: true,
        lastNs: 102n * S,
        bytesOut: 300n,
        bytesIn: 50n,
        packetsOut: 3n,
        packetsIn: 1n,
      }),
    );
    expect(flow).toMatchObject({ bytesOut: 300, bytesIn: 50, packetsOut: 3, packetsIn: 1 });
    expect(flow?.firstNs).toBe(100n * S);
    expect(flow?.lastNs).toBe(102n * S);
    expect(exporter.size).toBe(0);
  });

  it('exports a long flow every active timeout with the traffic since the last export, summing to its totals', () => {
    const exporter = new FlowExporter({ activeTimeoutMs: 10_000 });
    const a = exporter.onFrame(frame({ lastNs: 111n * S, bytesOut: 1_000n, packetsOut: 10n }));
    const b = exporter.onFrame(frame({ lastNs: 115n * S, bytesOut: 1_500n, packetsOut: 15n }));
    const c = exporter.onFrame(
      frame({ ended: true, lastNs: 125n * S, bytesOut: 4_000n, packetsOut: 40n }),
    );
    expect(a).toMatchObject({
      bytesOut: 1_000,
      packetsOut: 10,
      firstNs: 100n * S,
      lastNs: 111n * S,
    });
    expect(b).toBeUndefined();
    expect(c).toMatchObject({
      bytesOut: 3_000,
      packetsOut: 30,
      firstNs: 111n * S,
      lastNs: 125n * S,
    });
  });

  it('starts over when the kernel forgot a flow (counters went down)', () => {
    const exporter = new FlowExporter({ activeTimeoutMs: 1_000 });
    exporter.onFrame(frame({ lastNs: 102n * S, bytesOut: 5_000n, packetsOut: 5n }));
    const again = exporter.onFrame(
      frame({ ended: true, firstNs: 200n * S, lastNs: 201n * S, bytesOut: 70n, packetsOut: 1n }),
    );
    expect(again).toMatchObject({ bytesOut: 70, packetsOut: 1, firstNs: 200n * S });
  });

  it('publishes nothing for an ended flow with no traffic since its last export', () => {
    const exporter = new FlowExporter({ activeTimeoutMs: 1_000 });
    exporter.onFrame(frame({ lastNs: 102n * S, bytesOut: 10n, packetsOut: 1n }));
    expect(
      exporter.onFrame(frame({ ended: true, lastNs: 102n * S, bytesOut: 10n, packetsOut: 1n })),
    ).toBeUndefined();
  });

  it('remembers at most maxFlows flows, forgetting the least recently updated', () => {
    const exporter = new FlowExporter({ activeTimeoutMs: 60_000, maxFlows: 2 });
    for (const port of [1, 2, 3])
      exporter.onFrame(frame({ srcPort: port, bytesOut: 1n, packetsOut: 1n }));
    expect(exporter.size).toBe(2);
  });
});
