// Port/host scan detection checked against hand-computed TRW steps (Jung et al. 2004) and Zeek scan.zeek's thresholds.
import { Code, OmegaError } from '@omega/errors';
import { NetworkActivityId } from '@omega/proto';
import { connectionOutcome, PortScanDetector } from './port-scan';
import { flowEvent } from './telemetry-events';

const SEC = 1_000_000_000n;
const FAIL = NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE;
const OK = NetworkActivityId.NETWORK_ACTIVITY_ID_OPEN;
let n = 0;
const attempt = (
  host: string,
  port: number,
  activity: NetworkActivityId,
  t = BigInt(n),
  src = { ip: '10.0.0.5' },
) => flowEvent({ id: `e${++n}`, timeNs: t * SEC, src, dst: { ip: host, port }, activity });

describe('PortScanDetector — Threshold Random Walk', () => {
  it('decides "scanner" exactly at the 4th failed first contact: Λ = 4, 16, 64 (< β/α = 99), then 256', () => {
    // Each failure multiplies Λ by (1−θ1)/(1−θ0) = 0.8/0.2 = 4 (θ0 = 0.8, θ1 = 0.2; α = 0.01, β = 0.99).
    const detector = new PortScanDetector();
    const steps = ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'].map((h) =>
      detector.observe(attempt(h, 22, FAIL)),
    );
    expect(steps.slice(0, 3).every((f) => f.length === 0)).toBe(true);
    expect(steps[3]).toHaveLength(1);
    const finding = steps[3]![0]!;
    expect(finding.kind).toBe('trw-host-scan');
    expect(finding.attackTechniqueIds).toEqual(['T1046']);
    expect(finding.reasons[0]!.observedValue).toBe('256.00');
    expect(finding.explanation).toContain('likelihood ratio reached 256.0');
    expect(finding.evidenceEventIds).toHaveLength(4);
  });

  it('needs one more failure for each success, since a success multiplies Λ by θ1/θ0 = 1/4', () => {
    // S, F, F, F, F: 1/4 · 4⁴ = 64 < 99 → no decision; a 5th failure gives 256.
    const detector = new PortScanDetector();
    const results = [
      attempt('10.2.0.1', 80, OK),
      ...['10.2.0.2', '10.2.0.3', '10.2.0.4', '10.2.0.5'].map((h) => attempt(h, 80, FAIL)),
    ].map((e) => detector.observe(e));
    expect(results.flat()).toHaveLength(0);
    expect(detector.observe(attempt('10.2.0.6', 80, FAIL)).map((f) => f.kind)).toEqual([
      'trw-host-scan',
    ]);
  });

  it('accepts "benign" after four successes (Λ = 1/256 ≤ (1−β)/(1−α) ≈ 0.0101) and restarts the walk', () => {
    const detector = new PortScanDetector();
    for (const h of ['10.3.0.1', '10.3.0.2', '10.3.0.3', '10.3.0.4'])
      detector.observe(attempt(h, 443, OK));
    // After the restart, four failures are needed again (not three, as 1/256 · 4³ would suggest without it).
    const after = ['10.3.0.5', '10.3.0.6', '10.3.0.7', '10.3.0.8'].map(
      (h) => detector.observe(attempt(h, 443, FAIL)).length,
    );
    expect(after).toEqual([0, 0, 0, 1]);
  });

  it('counts only first contacts: repeated failures to one host do not walk', () => {
    const detector = new PortScanDetector();
    const results = Array.from({ length: 10 }, () =>
      detector.observe(attempt('10.4.0.1', 5432, FAIL)),
    );
    expect(results.flat()).toHaveLength(0);
  });

  it('keys state by workload identity and names pod, service account and IP as entities', () => {
    const detector = new PortScanDetector();
    const src = { ip: '10.0.9.9', workload: 'shop/cart-7d9@cart-sa' };
    const findings = ['10.5.0.1', '10.5.0.2', '10.5.0.3', '10.5.0.4'].flatMap((h) =>
      detector.observe(attempt(h, 22, FAIL, BigInt(n), src)),
    );
    expect(findings[0]!.entityKey).toBe('pod:shop/cart-7d9');
    expect(findings[0]!.entities.map((e) => e.value)).toEqual([
      'shop/cart-7d9',
      'shop/cart-sa',
      'shop',
      '10.0.9.9',
    ]);
    expect(findings[0]!.explanation).toContain('pod:shop/cart-7d9');
  });
});

describe('PortScanDetector — Zeek scan.zeek baseline (25 hosts / 15 ports per window)', () => {
  it('reports an address scan at the 25th distinct host on one port, not the 24th', () => {
    const detector = new PortScanDetector();
    const kinds = Array.from({ length: 25 }, (_, i) =>
      detector
        .observe(attempt(`10.6.0.${i + 1}`, 6379, FAIL, 1000n + BigInt(i)))
        .map((f) => f.kind),
    );
    expect(kinds.slice(0, 24).flat()).not.toContain('zeek-address-scan');
    expect(kinds[24]).toContain('zeek-address-scan');
    const finding = detector.observe(attempt('10.6.0.26', 6379, FAIL, 1030n));
    expect(finding.map((f) => f.kind)).not.toContain('zeek-address-scan'); // once per window
  });

  it('reports a port scan at the 15th distinct port of one host', () => {
    const detector = new PortScanDetector();
    const results = Array.from({ length: 15 }, (_, i) =>
      detector.observe(attempt('10.7.0.1', 1000 + i, FAIL, 2000n + BigInt(i))),
    );
    expect(results.slice(0, 14).flat()).toHaveLength(0);
    expect(results[14]!.map((f) => f.kind)).toEqual(['zeek-port-scan']);
    expect(results[14]![0]!.explanation).toContain("scan.zeek's port scan threshold of 15");
  });

  it('forgets counts after the 5-minute window: 14 ports, then 14 more six minutes later, is no scan', () => {
    const detector = new PortScanDetector({ windowNs: 5 * 60e9 });
    const early = Array.from({ length: 14 }, (_, i) =>
      detector.observe(attempt('10.8.0.1', 2000 + i, FAIL, 3000n)),
    );
    const late = Array.from({ length: 14 }, (_, i) =>
      detector.observe(attempt('10.8.0.1', 3000 + i, FAIL, 3000n + 360n)),
    );
    expect([...early, ...late].flat()).toHaveLength(0);
  });
});

describe('PortScanDetector — slow scans and outages', () => {
  it('by default counts over an hour: one refused port every 3 minutes is a port scan at the 15th', () => {
    const detector = new PortScanDetector();
    const results = Array.from({ length: 15 }, (_, i) =>
      detector.observe(attempt('10.9.0.1', 100 + i, FAIL, 5000n + BigInt(i * 180))),
    );
    expect(results.slice(0, 14).flat()).toHaveLength(0);
    expect(results[14]!.map((f) => f.kind)).toEqual(['zeek-port-scan']);
    expect(results[14]![0]!.explanation).toContain('within 60 minutes');
  });

  it('does not count failures to hosts the source reached before: 30 scrape targets going down is an outage', () => {
    const detector = new PortScanDetector();
    const src = { ip: '10.0.7.7', workload: 'monitoring/prometheus-0@prometheus' };
    const targets = Array.from({ length: 30 }, (_, i) => `10.10.0.${i + 1}`);
    const scraped = targets.flatMap((h) => detector.observe(attempt(h, 9090, OK, 6000n, src)));
    const down = targets.flatMap((h) => detector.observe(attempt(h, 9090, FAIL, 6015n, src)));
    expect([...scraped, ...down]).toEqual([]);
    // The same failures from a source that never reached those hosts are an address scan.
    const fresh = { ip: '10.0.7.8', workload: 'shop/cart-0@cart' };
    const probes = targets.flatMap((h) => detector.observe(attempt(h, 9090, FAIL, 6016n, fresh)));
    expect(new Set(probes.map((f) => f.kind))).toEqual(
      new Set(['trw-host-scan', 'zeek-address-scan']),
    );
  });
});

describe('PortScanDetector — a host the source talks to', () => {
  it('is still port-scanned when its other ports fail: only the service reached before is exempt', () => {
    const detector = new PortScanDetector();
    const src = { ip: '10.0.7.9', workload: 'shop/api-0@api' };
    detector.observe(attempt('10.11.0.1', 443, OK, 7000n, src));
    const refused443 = detector.observe(attempt('10.11.0.1', 443, FAIL, 7001n, src));
    const ports = Array.from({ length: 15 }, (_, i) =>
      detector.observe(attempt('10.11.0.1', 1000 + i, FAIL, 7002n + BigInt(i), src)),
    );
    expect(refused443).toEqual([]);
    expect(ports.flat().map((f) => f.kind)).toEqual(['zeek-port-scan']);
  });
});

describe('connectionOutcome of flow summaries (pcap replay emits one TRAFFIC event per flow)', () => {
  const summary = (packetsOut: number, packetsIn: number, tcpFlags: number) =>
    connectionOutcome(
      flowEvent({
        id: 't',
        timeNs: 1n,
        src: { ip: '10.0.0.1' },
        dst: { ip: '10.0.0.2', port: 23 },
        activity: NetworkActivityId.NETWORK_ACTIVITY_ID_TRAFFIC,
        packetsOut,
        packetsIn,
        tcpFlags,
      }),
    );

  it('reads an unanswered SYN and a SYN answered by a lone RST (Zeek REJ) as failures', () => {
    expect(summary(1, 0, 0x02)).toBe('failure');
    expect(summary(1, 1, 0x02 | 0x04 | 0x10)).toBe('failure');
  });

  it('reads an established exchange as a success, even when it ends in a reset', () => {
    expect(summary(6, 5, 0x02 | 0x10 | 0x18 | 0x04)).toBe('success');
  });
});

describe('PortScanDetector — at its source cap', () => {
  it('gives a new source nothing of the evicted source whose state it takes over', () => {
    // One source fits, and each new source takes over the state evicted before it arrived: C's
    // arrival evicts A, and B then gets A's state, reset. A's three failures (Λ = 64) and contacted
    // hosts must not carry over: B's fourth failure to the same hosts decides, with B's own four
    // events as evidence, and A starts over when it returns.
    const detector = new PortScanDetector({ maxSources: 1 });
    const [a, b, c] = ['10.7.0.1', '10.7.0.2', '10.7.0.3'].map((ip) => ({ ip }));
    const hosts = ['10.8.0.1', '10.8.0.2', '10.8.0.3', '10.8.0.4'];
    for (const h of hosts.slice(0, 3))
      expect(detector.observe(attempt(h, 22, FAIL, 1n, a))).toEqual([]);
    expect(detector.observe(attempt('10.9.0.1', 443, OK, 1n, c))).toEqual([]);
    const fromB = hosts.map((h) => attempt(h, 22, FAIL, 2n, b));
    const found = fromB.map((e) => detector.observe(e));
    expect(found.slice(0, 3).flat()).toEqual([]);
    expect(found[3]!.map((f) => [f.kind, f.entityKey])).toEqual([['trw-host-scan', 'ip:10.7.0.2']]);
    expect(found[3]![0]!.evidenceEventIds).toEqual(fromB.map((e) => e.id));
    expect(found[3]![0]!.entities.map((e) => e.value)).toEqual(['10.7.0.2']);
    expect(found[3]![0]!.explanation).toContain(
      'first contact with 4 new hosts and 4 of them failed',
    );
    const back = hosts.map((h) => detector.observe(attempt(h, 22, FAIL, 3n, a)).length);
    expect(back).toEqual([0, 0, 0, 1]);
  });
});

describe('PortScanDetector — configuration', () => {
  it('rejects a bad option naming the detector and the key', () => {
    expect(() => new PortScanDetector({ maxSources: -1 })).toThrow(
      'detector port-scan: config.maxSources: must be a positive integer, got -1',
    );
    try {
      new PortScanDetector({ maxSource: 5 } as never);
    } catch (err) {
      expect(err).toBeInstanceOf(OmegaError);
      expect((err as OmegaError).code).toBe(Code.InvalidArgument);
      expect((err as OmegaError).message).toContain('config.maxSource: unknown option');
    }
    expect.assertions(4);
  });
});
