// The richer labelled scenario: deterministic for a seed, time-ordered, every labelled event in
// the stream, the base scenario's events kept as they were, resolvers answering every query.
import { DnsActivityId, type Event } from '@omega/proto';
import { generateScenario } from './scenario-generator';
import { BENIGN_KINDS, generateRichScenario } from './rich-scenario';

const small = (seed: number) =>
  generateRichScenario({
    seed,
    durationSec: 3600,
    backgroundPerSecond: 1,
    attacksPerKind: 1,
    monitoringTargets: 20,
  });

describe('generateRichScenario', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const ids = (seed: number) => [...small(seed).events()].map((e) => `${e.id}@${e.timeNs}`);
    const a = ids(4);
    expect(ids(4)).toEqual(a);
    expect(ids(5)).not.toEqual(a);
  });

  it('yields events in time order with unique ids, every labelled event among them', () => {
    const scenario = small(6);
    const events = [...scenario.events()];
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.timeNs >= events[i - 1]!.timeNs).toBe(true);
    }
    const ids = new Set(events.map((e) => e.id));
    expect(ids.size).toBe(events.length);
    for (const truth of scenario.truths) {
      for (const id of truth.eventIds) expect(ids.has(id)).toBe(true);
    }
    // The stealthy attacks come on top of the base kinds: 2 slow scans and 2 sweeps, 2 slow
    // beacons, 2 slow tunnels and 6 reverse-shell forms.
    const kinds = scenario.truths.map((t) => t.id.replace(/-\d+$/, ''));
    for (const [prefix, count] of [
      ['slow-scan', 2],
      ['sweep', 2],
      ['slow-beacon', 2],
      ['slow-tunnel', 2],
      ['stealthy-shell', 6],
    ] as const) {
      expect(kinds.filter((k) => k === prefix)).toHaveLength(count);
    }
  });

  it('keeps the base scenario’s events unchanged, in order, among its own', () => {
    const options = { seed: 7, durationSec: 3600, backgroundPerSecond: 1, attacksPerKind: 1 };
    const base = [
      ...generateScenario({ ...options, benignExternalClients: 10, beaconJitter: 0.3 }).events(),
    ];
    const rich = new Map<string, Event>();
    const order: string[] = [];
    for (const e of generateRichScenario({ ...options, monitoringTargets: 20 }).events()) {
      rich.set(e.id, e);
      order.push(e.id);
    }
    for (const e of base) expect(rich.get(e.id)).toEqual(e);
    const position = new Map(order.map((id, i) => [id, i]));
    const positions = base.map((e) => position.get(e.id)!);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('answers every query to the cluster DNS address from a resolver, and lists benign hosts per kind', () => {
    const scenario = small(8);
    const events = [...scenario.events()];
    const queries = events.filter(
      (e) =>
        e.payload?.$case === 'dnsActivity' &&
        e.payload.value.activityId === DnsActivityId.DNS_ACTIVITY_ID_QUERY &&
        e.dstEndpoint?.ip === '10.96.0.10',
    );
    const answers = new Set(events.filter((e) => e.id.endsWith('-answer')).map((e) => e.id));
    expect(queries.length).toBeGreaterThan(100);
    for (const q of queries) expect(answers.has(`${q.id}-answer`)).toBe(true);
    expect(Object.keys(scenario.benign)).toEqual([...BENIGN_KINDS]);
    for (const kind of BENIGN_KINDS) expect(scenario.benign[kind].length).toBeGreaterThan(0);
    const attackers = new Set(scenario.truths.map((t) => t.entityKey));
    for (const key of Object.values(scenario.benign).flat()) expect(attackers.has(key)).toBe(false);
  });
});
