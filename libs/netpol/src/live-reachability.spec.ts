// Reachability kept current one change at a time: after every change of seeded random sequences
// (pods added, relabelled, re-addressed, given other named ports and deleted; NetworkPolicies added,
// changed and deleted; namespaces relabelled), every cell of every matrix equals a from-scratch
// build (reachabilityMatrix over a fresh CompiledCluster) and the per-connection verdict of
// evaluateConnection, which shares no set arithmetic with either.
import { clusterFromManifests, type Cluster } from './cluster';
import { CompiledCluster } from './compiled-policies';
import { evaluateConnection } from './connection-verdict';
import type { Protocol } from './label-schema';
import { LiveReachability } from './live-reachability';
import { reachabilityMatrix } from './reachability-matrix';
import { generatePolicySet, seededRandom } from './testing/policy-generator';

const NAMESPACES = ['x', 'y', 'z'];
const POD_NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const PROBES: { port: number; protocol: Protocol }[] = [
  { port: 80, protocol: 'TCP' },
  { port: 81, protocol: 'TCP' },
  { port: 80, protocol: 'UDP' },
];

type Manifest = {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

class RandomState {
  readonly namespaces = new Map<string, Manifest>();
  readonly pods = new Map<string, Manifest>();
  readonly policies = new Map<string, Manifest>();
  readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
    for (const ns of NAMESPACES) this.namespaces.set(ns, this.namespace(ns));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  namespace(name: string): Manifest {
    return {
      kind: 'Namespace',
      metadata: { name, labels: { ns: this.pick(NAMESPACES) } },
    };
  }

  pod(namespace: string, name: string): Manifest {
    const labels: Record<string, string> = { pod: this.pick(['a', 'b', 'c']) };
    if (this.random() < 0.6) labels.tier = this.pick(['web', 'db']);
    const ports = PROBES.filter(() => this.random() < 0.6).map(({ port, protocol }) => ({
      containerPort: port,
      protocol,
      ...(this.random() < 0.8 ? { name: `serve-${port}-${protocol.toLowerCase()}` } : {}),
    }));
    const ip = `10.0.${1 + Math.floor(this.random() * 3)}.${1 + Math.floor(this.random() * 4)}`;
    return {
      kind: 'Pod',
      metadata: { namespace, name, labels },
      spec: { containers: [{ name: 'main', ports }] },
      ...(this.random() < 0.9 ? { status: { podIP: ip, podIPs: [{ ip }] } } : {}),
    } as Manifest;
  }

  policy(name: string): Manifest {
    const [np] = generatePolicySet(this.random, {
      namedPortsOfEveryProtocol: true,
      notInOnMissingKeys: true,
    });
    const m = np as unknown as Manifest;
    return { ...m, metadata: { ...m.metadata, name } };
  }

  manifests(): Manifest[] {
    return [...this.namespaces.values(), ...this.pods.values(), ...this.policies.values()];
  }
}

const idOf = (m: Manifest) => `${m.metadata.namespace}/${m.metadata.name}`;

/** One random change, made to the state and to `live`. */
function step(state: RandomState, live: LiveReachability): string {
  const roll = state.random();
  const parsed = (): Cluster => clusterFromManifests(state.manifests());
  if (roll < 0.45) {
    const pod = state.pod(state.pick(NAMESPACES), state.pick(POD_NAMES));
    state.pods.set(idOf(pod), pod);
    live.upsertPod(parsed().pods.find((p) => p.id === idOf(pod))!);
    return `upsert pod ${idOf(pod)}`;
  }
  if (roll < 0.6 && state.pods.size > 0) {
    const id = state.pick([...state.pods.keys()]);
    state.pods.delete(id);
    live.deletePod(id);
    return `delete pod ${id}`;
  }
  if (roll < 0.85) {
    const policy = state.policy(`np-${state.pick([1, 2, 3, 4, 5])}`);
    state.policies.set(idOf(policy), policy);
    const np = parsed().networkPolicies.find((p) => idOf(p as Manifest) === idOf(policy))!;
    live.setPolicy(idOf(policy), np);
    return `set policy ${idOf(policy)}`;
  }
  if (roll < 0.95 && state.policies.size > 0) {
    const id = state.pick([...state.policies.keys()]);
    state.policies.delete(id);
    live.setPolicy(id, undefined);
    return `delete policy ${id}`;
  }
  const ns = state.pick(NAMESPACES);
  const namespace = state.namespace(ns);
  state.namespaces.set(ns, namespace);
  live.setNamespace(ns, namespace.metadata.labels);
  return `relabel namespace ${ns}`;
}

/** Cells where the live matrices differ from a fresh build or from evaluateConnection. */
function differences(state: RandomState, live: LiveReachability): string[] {
  const compiled = new CompiledCluster(clusterFromManifests(state.manifests()));
  const out: string[] = [];
  for (const probe of PROBES) {
    const fresh = reachabilityMatrix(compiled, probe);
    const kept = live.matrix(probe.port, probe.protocol);
    compiled.cluster.pods.forEach((from, i) => {
      compiled.cluster.pods.forEach((to, j) => {
        const s = live.slotOf(from.id)!;
        const d = live.slotOf(to.id)!;
        const truth = evaluateConnection(compiled, {
          from: { pod: from.id },
          to: { pod: to.id },
          port: probe.port,
          protocol: probe.protocol,
        }).allowed;
        const cells = [
          [kept.allowed(s, d), fresh.allowed(i, j), truth],
          [kept.ingressAllowed(s, d), fresh.ingressAllowed(i, j)],
          [kept.egressAllowed(s, d), fresh.egressAllowed(i, j)],
        ];
        if (cells.some((c) => c.some((v) => v !== c[0]))) {
          out.push(
            `${from.id} → ${to.id} ${probe.port}/${probe.protocol}: ${JSON.stringify(cells)}`,
          );
        }
      });
    });
    // Slots no pod holds reach nothing and are reached by nothing.
    for (let s = 0; s < live.capacity; s++) {
      if (live.pod(s)) continue;
      if (!kept.reachableFrom(s).isEmpty()) out.push(`free slot ${s} reaches pods`);
      for (const pod of compiled.cluster.pods) {
        if (kept.allowed(live.slotOf(pod.id)!, s)) out.push(`${pod.id} reaches free slot ${s}`);
      }
    }
  }
  return out;
}

describe('live reachability', () => {
  it.each([1, 2, 3, 4, 5, 6])(
    'equals a fresh build and evaluateConnection after each of 120 random changes (seed %i)',
    (seed) => {
      const state = new RandomState(seed);
      for (let i = 0; i < 6; i++) {
        const pod = state.pod(state.pick(NAMESPACES), state.pick(POD_NAMES));
        state.pods.set(idOf(pod), pod);
      }
      const live = new LiveReachability(
        new CompiledCluster(clusterFromManifests(state.manifests())),
      );
      for (const probe of PROBES) live.matrix(probe.port, probe.protocol);
      const kinds = new Set<string>();
      let cells = 0;
      for (let i = 0; i < 120; i++) {
        const change = step(state, live);
        kinds.add(change.split(' ').slice(0, 2).join(' '));
        const found = differences(state, live);
        if (found.length > 0) {
          expect({ seed, step: i, change, differences: found.slice(0, 10) }).toEqual({
            seed,
            step: i,
            change,
            differences: [],
          });
        }
        cells += state.pods.size ** 2;
      }
      // The sequence did exercise every kind of change, over slots renumbered at least once.
      expect([...kinds].sort()).toEqual([
        'delete pod',
        'delete policy',
        'relabel namespace',
        'set policy',
        'upsert pod',
      ]);
      expect(live.generation).toBeGreaterThan(0);
      expect(cells).toBeGreaterThan(1000);
    },
  );

  it('refuses admin network policies, which it does not keep incrementally', () => {
    const compiled = new CompiledCluster(
      clusterFromManifests([
        {
          apiVersion: 'policy.networking.k8s.io/v1alpha1',
          kind: 'AdminNetworkPolicy',
          metadata: { name: 'deny-all' },
          spec: { priority: 10, subject: { namespaces: {} }, ingress: [] },
        },
      ]),
    );
    expect(() => new LiveReachability(compiled)).toThrow(/admin network policies/);
  });
});
