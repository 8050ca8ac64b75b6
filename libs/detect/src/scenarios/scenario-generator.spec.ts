// The labelled scenario generator: the same seed gives the same telemetry and ground truth, events
// come out in time order, and each ground truth names events that are really in the stream.
import { EventClass } from '@omega/proto';
import { ATTACK_KINDS, generateScenario } from './scenario-generator';
import { scoreDetections } from './detection-score';

const small = (seed: number) =>
  generateScenario({ seed, durationSec: 2 * 3600, backgroundPerSecond: 2, attacksPerKind: 2 });

describe('generateScenario', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const ids = (seed: number) => [...small(seed).events()].map((e) => `${e.id}@${e.timeNs}`);
    const a = ids(7);
    expect(ids(7)).toEqual(a);
    expect(ids(8)).not.toEqual(a);
    expect(small(7).truths).toEqual(small(7).truths);
  });

  it('yields eventCount events in time order, and every labelled event is among them', () => {
    const scenario = small(3);
    const events = [...scenario.events()];
    expect(events).toHaveLength(scenario.eventCount);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.timeNs >= events[i - 1]!.timeNs).toBe(true);
    }
    const ids = new Set(events.map((e) => e.id));
    expect(ids.size).toBe(events.length);
    for (const truth of scenario.truths) {
      for (const id of truth.eventIds) expect(ids.has(id)).toBe(true);
    }
    // attacksPerKind of each kind, and two short beacons.
    expect(scenario.truths.map((t) => t.kind).sort()).toEqual(
      [...ATTACK_KINDS.flatMap((k) => [k, k]), 'beacon', 'beacon'].sort(),
    );
  });

  it('labels each attack with its attacker pod and its own kind of telemetry', () => {
    const scenario = small(5);
    const byId = new Map([...scenario.events()].map((e) => [e.id, e]));
    const classOf = {
      scan: EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
      beacon: EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
      'dns-tunnel': EventClass.EVENT_CLASS_DNS_ACTIVITY,
      'reverse-shell': EventClass.EVENT_CLASS_PROCESS_ACTIVITY,
      honeytoken: EventClass.EVENT_CLASS_DECEPTION_INTERACTION,
    };
    for (const truth of scenario.truths) {
      expect(truth.entityKey).toBe(`pod:compromised/${truth.id}`);
      for (const id of truth.eventIds) expect(byId.get(id)!.classUid).toBe(classOf[truth.kind]);
      expect(truth.startNs <= truth.endNs).toBe(true);
    }
    // The first beacons last the whole scenario, the short ones minutes; the others are short.
    const spans = scenario.truths
      .filter((t) => t.kind === 'beacon')
      .map((t) => Number(t.endNs - t.startNs) / 1e9);
    expect(spans.slice(0, 2).every((s) => s > 6000)).toBe(true);
    expect(spans.slice(2).every((s) => s >= 55 && s < 900)).toBe(true);
  });
});

describe('scoreDetections', () => {
  it('counts a detection true only on its kind’s attacker at or after the attack began', () => {
    const truths = [
      {
        id: 's',
        kind: 'scan' as const,
        entityKey: 'pod:a/x',
        startNs: 100n,
        endNs: 200n,
        eventIds: [],
      },
      {
        id: 't',
        kind: 'scan' as const,
        entityKey: 'pod:a/y',
        startNs: 100n,
        endNs: 200n,
        eventIds: [],
      },
    ];
    const [score] = scoreDetections(
      truths,
      [
        { kind: 'scan', entityKey: 'pod:a/x', timeNs: 150n }, // true, detects s after 50 ns
        { kind: 'scan', entityKey: 'pod:a/x', timeNs: 120n }, // true, earlier: s after 20 ns
        { kind: 'scan', entityKey: 'pod:a/y', timeNs: 90n }, // before t began: false
        { kind: 'scan', entityKey: 'pod:b/z', timeNs: 150n }, // not an attacker: false
        { kind: 'beacon', entityKey: 'pod:a/y', timeNs: 150n }, // another kind: not counted
      ],
      ['scan'],
    );
    expect(score).toEqual({
      kind: 'scan',
      attacks: 2,
      detected: 1,
      detections: 4,
      truePositives: 2,
      precision: 0.5,
      recall: 0.5,
      timeToDetectSec: { median: 20e-9, max: 20e-9 },
    });
  });
});

describe('generateScenario options', () => {
  it('rejects a span too short for an attack, naming the option', () => {
    expect(() => generateScenario({ seed: 1, durationSec: 59 })).toThrow(
      'scenario: durationSec must be an integer of at least 600 (an attack needs room), got 59',
    );
  });

  it('places every attack inside a short scenario', () => {
    const scenario = generateScenario({ seed: 4, durationSec: 600, backgroundPerSecond: 1 });
    const end = BigInt(scenario.options.startSec + 600) * 1_000_000_000n;
    for (const truth of scenario.truths) {
      expect(truth.eventIds.length).toBeGreaterThan(0);
      expect(truth.endNs < end).toBe(true);
    }
  });
});
