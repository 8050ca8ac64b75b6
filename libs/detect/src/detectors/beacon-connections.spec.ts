// One connection counts once for the beacon detector, whatever records its sensor sends for it: the
// sentinel's socket events and flow records as it emits them in eBPF mode, pcap replay's flows,
// NetFlow-style continuation exports of a long connection, and connections the local socket accepted.
import { BeaconDetector } from './beacon';
import type { DetectorFinding } from './detector';
import { flowRecord, tcpStateEvents, type SentinelConnection } from './sentinel-records';

const SEC = 1_000_000_000n;
const T0 = 1_795_420_374n * SEC;
const victim = '10.66.0.20';
const c2 = { ip: '198.51.100.30', port: 8443 };

/** The demo's implant: a new connection every 2 s (a few ms of jitter), the same 70-byte check-in. */
function checkIns(count: number): SentinelConnection[] {
  return Array.from({ length: count }, (_, i) => {
    const startNs = T0 + BigInt(i) * 2n * SEC + BigInt((i * 7919) % 9) * 1_000_000n;
    return {
      id: `c${i}`,
      local: { ip: victim, port: 41_000 + i },
      remote: c2,
      startNs,
      endNs: startNs + 4_000_000n,
      bytesOut: 70,
      bytesIn: 80,
    };
  });
}

/**
 * The sentinel's order: OPEN and CLOSE as they happen; the flow record when the kernel's flow goes
 * idle (10 s later), so it arrives among later connections' socket events.
 */
function liveOrder(connections: SentinelConnection[]) {
  const timed = connections.flatMap((c) => {
    const [open, close] = tcpStateEvents(c);
    return [
      { at: c.startNs, event: open },
      { at: c.endNs, event: close },
      { at: c.endNs + 10n * SEC, event: flowRecord(c, 'ebpf') },
    ];
  });
  return timed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).map((t) => t.event);
}

function pairOf(detector: BeaconDetector) {
  const pairs = (detector as unknown as { pairs: { values(): Iterable<unknown> } }).pairs.values();
  return [...pairs][0] as { connections: number; bytes: number[] } | undefined;
}

function feed(detector: BeaconDetector, events: Parameters<BeaconDetector['observe']>[0][]) {
  const findings: DetectorFinding[] = [];
  for (const event of events) findings.push(...detector.observe(event));
  return findings;
}

describe('BeaconDetector counts each connection once', () => {
  it('counts a live sentinel connection (OPEN, CLOSE and its flow record) once, by its CLOSE', () => {
    const detector = new BeaconDetector();
    const findings = feed(detector, liveOrder(checkIns(12)));
    const pair = pairOf(detector)!;
    expect(pair.connections).toBe(12);
    // The socket's own byte counter (bytes acked), not the flow's IP-layer bytes.
    expect(new Set(pair.bytes)).toEqual(new Set([70]));
    expect(findings.map((f) => f.kind)).toEqual(['early-beacon']);
    expect(findings[0]!.explanation).toContain(
      `ip:${victim} connected to ${c2.ip} 8 times in 14 s. Intervals have median 2.00 s`,
    );
  });

  it('would have timed each check-in twice, ms apart, had flows and CLOSEs both counted', () => {
    // The same records with the flow's ports dropped cannot be matched to their socket: the
    // detector then counts them as it did before (every CLOSE and every TRAFFIC), and half the
    // intervals are the 4 ms between a connection's start (its flow) and its close.
    const events = liveOrder(checkIns(12));
    const unmatched = events.map((e) =>
      e.id.endsWith('-flow') ? { ...e, srcEndpoint: { ...e.srcEndpoint!, port: 0 } } : e,
    );
    const counted = new BeaconDetector();
    const doubled = new BeaconDetector();
    feed(counted, events);
    feed(doubled, unmatched);
    expect(pairOf(doubled)!.connections).toBe(24);
    const nowSec = Number(T0 / SEC) + 40;
    const score = (d: BeaconDetector) =>
      d.score(pairOf(d) as Parameters<BeaconDetector['score']>[0], nowSec)!;
    expect(score(counted).intervalMedianSec).toBeCloseTo(2, 1);
    expect(score(doubled).intervalMedianSec).toBeLessThan(0.01);
    // Bytes mix the socket's payload count with the flow's IP-layer count.
    expect(score(doubled).bytesMad).toBeGreaterThan(0);
  });

  it('counts replayed flows (pcap: no socket events) once each, at their start', () => {
    const detector = new BeaconDetector();
    const findings = feed(
      detector,
      checkIns(12).map((c) => flowRecord(c, 'pcap')),
    );
    expect(pairOf(detector)!.connections).toBe(12);
    expect(findings.map((f) => f.kind)).toEqual(['early-beacon']);
  });

  it('counts a flow record that came before its CLOSE (its OPEN lost) once', () => {
    const detector = new BeaconDetector();
    const events = checkIns(12).flatMap((c) => {
      const [, close] = tcpStateEvents(c);
      return [flowRecord(c, 'ebpf'), close];
    });
    feed(detector, events);
    expect(pairOf(detector)!.connections).toBe(12);
  });

  it('takes the active-timeout exports of one long connection for one connection, not a beacon', () => {
    // A long-lived connection (a websocket) exported every 60 s: perfectly periodic records of the
    // same 5-tuple, which used to score as a beacon.
    const detector = new BeaconDetector();
    const long: SentinelConnection = {
      id: 'ws',
      local: { ip: victim, port: 40_100 },
      remote: { ip: '203.0.113.80', port: 443 },
      startNs: T0,
      endNs: T0 + 3600n * SEC,
      bytesOut: 600,
      bytesIn: 600,
    };
    const exports = Array.from({ length: 60 }, (_, i) =>
      flowRecord(long, 'ebpf', {
        id: `ws-${i}`,
        fromNs: T0 + BigInt(i * 60) * SEC,
        toNs: T0 + BigInt((i + 1) * 60) * SEC,
        packets: 4,
      }),
    );
    expect(feed(detector, exports)).toEqual([]);
    expect(pairOf(detector)!.connections).toBe(1);
  });

  it('does not count a connection the local socket accepted as one from the local end', () => {
    // Inbound: a client on the internet calls a service here every 2 s. The server's CLOSE names
    // the server as source; the connection belongs to the client, whose destination is internal.
    const detector = new BeaconDetector();
    const events = checkIns(12).flatMap((c) => {
      const accepted = {
        ...c,
        local: { ip: victim, port: 8080 },
        remote: { ip: '203.0.113.5', port: 50_000 + Number(c.id.slice(1)) },
        inbound: true,
      };
      const [open, close] = tcpStateEvents(accepted);
      return [open, close, flowRecord(accepted, 'ebpf')];
    });
    expect(feed(detector, events)).toEqual([]);
    expect(pairOf(detector)).toBeUndefined();
  });

  it('keeps at most maxConnections connections in memory', () => {
    const detector = new BeaconDetector({ maxConnections: 100, maxPairs: 10 });
    const events = Array.from({ length: 5_000 }, (_, i) =>
      flowRecord(
        {
          id: `m${i}`,
          local: { ip: victim, port: 1024 + i },
          remote: { ip: '203.0.113.9', port: 443 },
          startNs: T0 + BigInt(i) * SEC,
          endNs: T0 + BigInt(i) * SEC + 1_000_000n,
          bytesOut: 100 + (i % 50) * 37,
          bytesIn: 1,
        },
        'pcap',
      ),
    );
    feed(detector, events);
    expect(detector.stateSize()).toBeLessThanOrEqual(110);
  });
});
