// A seeded synthetic cluster (Kubernetes objects as the API returns them) for training and
// benchmarking defenders without a live cluster: per namespace an exposed web tier, an API tier it
// may reach, workers (some over-privileged), a service account that reads the namespace's secrets.
import type { PodReachability } from '@omega/attack-graph';
import { Prng } from './prng';

export interface SyntheticClusterOptions {
  readonly namespaces: number;
  readonly workersPerNamespace: number;
  readonly seed: bigint;
}

type KubeObject = Record<string, unknown>;

function pod(
  ns: string,
  name: string,
  tier: string,
  extra: Record<string, unknown> = {},
  container: Record<string, unknown> = {},
): KubeObject {
  return {
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { tier } },
    spec: {
      nodeName: `node-${ns}`,
      containers: [{ name: 'c', ports: [{ containerPort: 8080 }], ...container }],
      ...extra,
    },
  };
}

/** The objects of a synthetic cluster; the same seed gives the same cluster. */
export function syntheticCluster(options: SyntheticClusterOptions): KubeObject[] {
  const rng = new Prng(options.seed);
  const out: KubeObject[] = [];
  for (let i = 0; i < options.namespaces; i += 1) {
    const ns = `team-${i}`;
    out.push({ kind: 'Namespace', metadata: { name: ns } });
    out.push({ kind: 'Node', metadata: { name: `node-${ns}` } });
    out.push({ kind: 'ServiceAccount', metadata: { name: 'reporter', namespace: ns } });
    out.push({ kind: 'Secret', metadata: { name: 'db-creds', namespace: ns }, type: 'Opaque' });
    out.push({
      kind: 'Role',
      metadata: { name: 'read-secrets', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
    });
    out.push({
      kind: 'RoleBinding',
      metadata: { name: 'reporter-reads', namespace: ns },
      roleRef: { kind: 'Role', name: 'read-secrets' },
      subjects: [{ kind: 'ServiceAccount', name: 'reporter' }],
    });
    out.push(pod(ns, 'web', 'web'));
    out.push({
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: {
        type: 'NodePort',
        selector: { tier: 'web' },
        ports: [{ port: 80, targetPort: 8080, nodePort: 30080 + i }],
      },
    });
    out.push(
      pod(ns, 'api', 'api', { serviceAccountName: rng.chance(0.5) ? 'reporter' : 'default' }),
    );
    for (let w = 0; w < options.workersPerNamespace; w += 1) {
      const privileged = rng.chance(0.3);
      out.push(
        pod(
          ns,
          `worker-${w}`,
          'worker',
          rng.chance(0.4) ? { serviceAccountName: 'reporter' } : {},
          privileged ? { securityContext: { privileged: true } } : {},
        ),
      );
    }
  }
  return out;
}

/** Web may reach API, API may reach workers, within a namespace: the synthetic NetworkPolicies. */
export const syntheticReachability: PodReachability = (from, to) => {
  if (from.metadata.namespace !== to.metadata.namespace) return false;
  const tier = (p: typeof from) => p.metadata.labels?.['tier'];
  return (
    (tier(from) === 'web' && tier(to) === 'api') || (tier(from) === 'api' && tier(to) === 'worker')
  );
};
