// Every detector's state stays under its documented cap when 100,000 distinct sources pass through.
import { InteractionKind, NetworkActivityId } from '@omega/proto';
import { BeaconDetector } from './beacon';
import { DeceptionTouchDetector } from './deception-touch';
import type { Detector } from './detector';
import { DnsTunnelDetector } from './dns-tunnel';
import { NewEdgeDetector } from './new-edge';
import { PortScanDetector } from './port-scan';
import { deceptionEvent, dnsEvent, flowEvent } from './telemetry-events';

const SOURCES = 100_000;
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

function feed(detector: Detector, make: (i: number) => Parameters<Detector['observe']>[0]): number {
  let peak = 0;
  for (let i = 0; i < SOURCES; i++) {
    detector.observe(make(i));
    if ((i & 1023) === 0) peak = Math.max(peak, detector.stateSize());
  }
  return Math.max(peak, detector.stateSize());
}

describe('detector memory bounds under 100,000 distinct sources', () => {
  const t = (i: number) => BigInt(i) * 1_000_000n;

  it('port-scan keeps at most maxSources sources', () => {
    const detector = new PortScanDetector({ maxSources: 5_000 });
    const peak = feed(detector, (i) =>
      flowEvent({
        id: `p${i}`,
        timeNs: t(i),
        src: { ip: ip(i) },
        dst: { ip: '10.250.0.1', port: 22 },
        activity: NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE,
      }),
    );
    expect(peak).toBe(5_000);
  });

  it('beacon keeps at most maxPairs pairs (plus the one destination’s sources)', () => {
    const detector = new BeaconDetector({ maxPairs: 2_000 });
    expect(
      feed(detector, (i) =>
        flowEvent({
          id: `b${i}`,
          timeNs: t(i),
          src: { ip: ip(i) },
          dst: { ip: '203.0.113.1', port: 443 },
        }),
      ),
    ).toBe(2_001);
  });

  it('dns-tunnel keeps at most maxPairs (source, base domain) pairs and maxRecentNames names', () => {
    const detector = new DnsTunnelDetector({ maxPairs: 3_000, maxRecentNames: 1_000 });
    expect(
      feed(detector, (i) =>
        dnsEvent({ id: `d${i}`, timeNs: t(i), src: { ip: ip(i) }, hostname: `x${i}.example.com` }),
      ),
    ).toBe(4_000);
  });

  it('new-edge holds a fixed sketch: used cells never exceed width × depth', () => {
    const detector = new NewEdgeDetector({ width: 4_096, learningPeriodNs: 0 });
    const peak = feed(detector, (i) =>
      flowEvent({
        id: `n${i}`,
        timeNs: t(i),
        src: { ip: ip(i) },
        dst: { ip: '10.250.0.2', port: 80 },
      }),
    );
    expect(peak).toBeLessThanOrEqual(4_096 * 4);
    expect(detector.sizeBytes).toBe(4_096 * 4 * 4 + detector.config.tickWidth * 4 * 4);
  });

  it('deception-touch keeps at most maxSessions de-duplication keys', () => {
    const detector = new DeceptionTouchDetector({ maxSessions: 1_000 });
    expect(
      feed(detector, (i) =>
        deceptionEvent({
          id: `x${i}`,
          timeNs: t(i),
          src: { ip: ip(i) },
          decoyId: 'd',
          kind: InteractionKind.INTERACTION_KIND_COMMAND,
          sessionId: `s${i}`,
        }),
      ),
    ).toBe(1_000);
  });

  it('bounds per-source counters: one source scanning 100,000 hosts and ports stays at its caps', () => {
    const detector = new PortScanDetector();
    for (let i = 0; i < SOURCES; i++) {
      detector.observe(
        flowEvent({
          id: `s${i}`,
          timeNs: t(i),
          src: { ip: '10.9.9.9' },
          dst: { ip: ip(i), port: i % 65536 },
          activity: NetworkActivityId.NETWORK_ACTIVITY_ID_FAIL,
        }),
      );
    }
    type State = {
      contacted: { size: number };
      hostsByPort: Map<number, Set<string>>;
      portsByHost: Map<string, Set<number>>;
    };
    // The one source tracked.
    const sources = (detector as unknown as { sources: { values(): Iterable<State> } }).sources;
    const [state] = [...sources.values()] as [State];
    expect(state.contacted.size).toBe(detector.config.maxHostsPerSource);
    expect(state.hostsByPort.size).toBeLessThanOrEqual(detector.config.maxCountersPerSource);
    expect(state.portsByHost.size).toBeLessThanOrEqual(detector.config.maxCountersPerSource);
    for (const hosts of state.hostsByPort.values())
      expect(hosts.size).toBeLessThanOrEqual(detector.config.addressScanHosts);
    for (const ports of state.portsByHost.values())
      expect(ports.size).toBeLessThanOrEqual(detector.config.portScanPorts);
  });
});
