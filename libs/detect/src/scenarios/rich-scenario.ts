// The richer labelled scenario (issue 20): the base scenario with benign external clients on and
// beacons jittered by ±30%, plus benign traffic that fools naive detectors (benign-traffic.ts),
// cluster resolvers that answer every query and forward the ones they have not cached, and
// stealthy attacks (stealthy-attacks.ts). Ground truth per attacker and kind, and the entity keys
// of the benign hosts per benign kind, so false alerts per benign host-day can be counted.
import { DnsActivityId, type Event } from '@omega/proto';
import { dnsEvent } from '../detectors/telemetry-events';
import { generateScenario, type GroundTruth, type ScenarioOptions } from './scenario-generator';
import {
  cloudClients,
  healthProbes,
  monitoring,
  ntp,
  serviceMesh,
  updateClients,
  type NodeOutage,
} from './benign-traffic';
import { benignPods, podKey, scenarioPod } from './scenario-pods';
import { stealthyAttacks } from './stealthy-attacks';
import { PartStream, type PartContext } from './traffic-part';

export const BENIGN_KINDS = [
  'workload',
  'monitoring',
  'health-probe',
  'cloud-client',
  'ntp-client',
  'update-client',
  'service-mesh',
  'resolver',
] as const;
export type BenignKind = (typeof BENIGN_KINDS)[number];

export interface RichScenarioOptions extends ScenarioOptions {
  /** Pods Prometheus scrapes (default 150). */
  readonly monitoringTargets?: number;
  /** Pods each kubelet probes (default 6). */
  readonly probedPodsPerNode?: number;
  /** Pods using cloud storage and CDNs (default 8). */
  readonly cloudClients?: number;
  /** Service-mesh frontends (default 3). */
  readonly meshFrontends?: number;
  /** Stealthy attacks of each form (default 2 each). */
  readonly slowScans?: number;
  readonly sweeps?: number;
  readonly slowBeacons?: number;
  readonly slowTunnels?: number;
}

export interface RichScenario {
  readonly options: RichScenarioOptions;
  readonly durationSec: number;
  readonly truths: readonly GroundTruth[];
  /** Entity keys of the hosts making each kind of benign traffic (a host may be in several). */
  readonly benign: Readonly<Record<BenignKind, readonly string[]>>;
  /** The events, time-ordered; each call starts over and yields the same sequence. */
  events(): Generator<Event>;
}

const CLUSTER_DNS = '10.96.0.10';
const UPSTREAM_DNS = '192.0.2.53';
/** How long a resolver keeps an answer (CoreDNS's cache plugin caps success TTLs at 30 s in common configs). */
const CACHE_SEC = 30;

export function generateRichScenario(options: RichScenarioOptions): RichScenario {
  const base = generateScenario({
    ...options,
    benignExternalClients: options.benignExternalClients ?? 10,
    beaconJitter: options.beaconJitter ?? 0.3,
  });
  const { durationSec, startSec, pods, nodes, seed } = base.options;
  const context: PartContext = {
    t0Ns: BigInt(startSec) * 1_000_000_000n,
    durationSec,
    pods: benignPods(pods, nodes),
    nodes,
  };
  // Each part draws from its own stream: adding one never moves another's events.
  const stream = (part: number) => new PartStream(context, (seed ^ (0x7f4a7c15 * part)) >>> 0);
  const outage: NodeOutage = {
    node: 2 % nodes,
    startSec: Math.floor(durationSec * 0.55),
    endSec: Math.floor(durationSec * 0.55) + 600,
  };
  const parts = Array.from({ length: 7 }, (_, i) => stream(i + 1));
  const benign: Record<BenignKind, readonly string[]> = {
    workload: context.pods.map(podKey),
    monitoring: monitoring(parts[0]!, outage, options.monitoringTargets ?? 150),
    'health-probe': healthProbes(parts[1]!, outage, options.probedPodsPerNode ?? 6),
    'cloud-client': cloudClients(parts[2]!, options.cloudClients ?? 8),
    'ntp-client': ntp(parts[3]!),
    'update-client': updateClients(parts[4]!),
    'service-mesh': serviceMesh(parts[5]!, options.meshFrontends ?? 3),
    resolver: [0, 1].map((r) => podKey(resolverPod(r, nodes))),
  };
  const truths = [
    ...base.truths,
    ...stealthyAttacks(parts[6]!, {
      slowScans: options.slowScans ?? 2,
      sweeps: options.sweeps ?? 2,
      slowBeacons: options.slowBeacons ?? 2,
      slowTunnels: options.slowTunnels ?? 2,
    }),
  ];
  const extra = parts
    .flatMap((p) => p.events)
    .sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));

  return {
    options,
    durationSec,
    truths,
    benign,
    *events() {
      const resolvers = new ResolverModel(nodes);
      let next = 0;
      for (const event of base.events()) {
        while (next < extra.length && extra[next]!.timeNs <= event.timeNs) {
          yield* resolvers.around(extra[next++]!);
        }
        yield* resolvers.around(event);
      }
      while (next < extra.length) yield* resolvers.around(extra[next++]!);
    },
  };
}

function resolverPod(r: number, nodes: number) {
  return scenarioPod('kube-system', `coredns-${r}`, 4_000 + r, nodes);
}

/**
 * The cluster's two CoreDNS pods: for every query to the cluster DNS address, the resolver that
 * took it forwards the name upstream when it has no fresh answer (cluster names it answers
 * itself), then answers the client. Both records carry the resolver as their source.
 */
class ResolverModel {
  private readonly pods: ReturnType<typeof resolverPod>[];
  private readonly cachedUntilSec = new Map<string, number>();

  constructor(nodes: number) {
    this.pods = [0, 1].map((r) => resolverPod(r, nodes));
  }

  *around(event: Event): Generator<Event> {
    yield event;
    if (event.payload?.$case !== 'dnsActivity') return;
    if (event.payload.value.activityId !== DnsActivityId.DNS_ACTIVITY_ID_QUERY) return;
    if (event.dstEndpoint?.ip !== CLUSTER_DNS) return;
    const client = event.srcEndpoint!;
    const name = event.payload.value.query?.hostname ?? '';
    const resolver = this.pods[(client.ip.charCodeAt(client.ip.length - 1) ?? 0) % 2]!;
    const src = { ip: resolver.ip, port: 53, workload: resolver.workload };
    const nowSec = Number(event.timeNs / 1_000_000n) / 1000;
    if (!name.endsWith('.cluster.local') && (this.cachedUntilSec.get(name) ?? -1) < nowSec) {
      if (this.cachedUntilSec.size > 50_000) this.cachedUntilSec.clear();
      this.cachedUntilSec.set(name, nowSec + CACHE_SEC);
      const upstream = dnsEvent({
        id: `${event.id}-upstream`,
        timeNs: event.timeNs,
        src: { ip: resolver.ip, workload: resolver.workload },
        dst: { ip: UPSTREAM_DNS, port: 53 },
        hostname: name,
      });
      upstream.node = resolver.node;
      yield upstream;
    }
    const answer = dnsEvent({
      id: `${event.id}-answer`,
      timeNs: event.timeNs,
      src,
      dst: { ip: client.ip, workload: client.workload ? workloadText(event) : undefined },
      hostname: name,
      response: true,
    });
    answer.node = resolver.node;
    yield answer;
  }
}

function workloadText(event: Event): string {
  const w = event.srcEndpoint?.workload;
  return w ? `${w.namespace}/${w.pod}@${w.serviceAccount}` : '';
}
