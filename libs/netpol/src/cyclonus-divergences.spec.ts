// The two places differential runs found cyclonus departing from Kubernetes, each pinned with a
// minimal case: this library follows the API (the expected cells below come from Kubernetes' own
// rules, cited), cyclonus v0.5.6 does not. The fuzzing in cyclonus-differential.spec.ts leaves these
// two constructs out; if a cyclonus release fixes them, these specs fail and the constructs go back in.
import { clusterFromManifests } from './cluster';
import { CompiledCluster } from './compiled-policies';
import { evaluateConnection } from './connection-verdict';
import type { Protocol } from './label-schema';
import { cyclonusBinary, cyclonusProbe, type CyclonusModel } from '@omega/testkit';
import { modelObjects } from './testing/probe-model';

const pods = { x: ['a', 'b'], z: ['a', 'c'] } as const;
const labels = (pod: string): Record<string, string> =>
  pod === 'c' ? { pod } : { pod, tier: 'web' };
const containers = [
  { port: 80, protocol: 'TCP' },
  { port: 80, protocol: 'UDP' },
];

const cyclonusModel: CyclonusModel = {
  namespaces: {
    x: { 'kubernetes.io/metadata.name': 'x' },
    z: { 'kubernetes.io/metadata.name': 'z' },
  },
  pods: Object.entries(pods).flatMap(([namespace, names], n) =>
    names.map((name, i) => ({
      namespace,
      name,
      labels: labels(name),
      ip: `10.0.${n}.${i + 1}`,
      containers,
    })),
  ),
};

function ours(
  policy: Record<string, unknown>,
  from: string,
  to: string,
  protocol: Protocol,
): boolean {
  const objects = Object.entries(pods).flatMap(([namespace, names]) =>
    modelObjects({
      namespaces: [namespace],
      pods: names,
      ports: [80],
      protocols: ['TCP', 'UDP'],
      podLabels: Object.fromEntries(names.map((name) => [`${namespace}/${name}`, labels(name)])),
    }),
  );
  const compiled = new CompiledCluster(clusterFromManifests([...objects, policy]));
  return evaluateConnection(compiled, { from: { pod: from }, to: { pod: to }, port: 80, protocol })
    .allowed;
}

function theirs(
  policy: Record<string, unknown>,
  from: string,
  to: string,
  protocol: Protocol,
): string {
  const [tables] = cyclonusProbe(cyclonusBinary(), [policy], cyclonusModel, [
    { port: 80, protocol },
  ]);
  return tables!.combined.get(`${from}>${to}`)!;
}

describe('where cyclonus v0.5.6 departs from Kubernetes', () => {
  it('NotIn selects pods without the key (apimachinery labels.Requirement.Matches); cyclonus selects none of them', () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'from-not-db', namespace: 'z' },
      spec: {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                podSelector: {
                  matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }],
                },
              },
            ],
          },
        ],
      },
    };
    // z/c has no tier label: "tier notin (db)" selects it, as kubectl get pods -l 'tier notin (db)' would.
    expect(ours(policy, 'z/c', 'z/a', 'TCP')).toBe(true);
    expect(theirs(policy, 'z/c', 'z/a', 'TCP')).toBe('X');
  }, 900_000);

  it('a named port resolves with its protocol on the destination; cyclonus names the probe by number alone', () => {
    const policy = (name: string) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'udp-by-name', namespace: 'x' },
      spec: {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ protocol: 'UDP', port: name }] }],
      },
    });
    // x/a's container port serve-80-udp is UDP 80: the rule admits UDP 80 (NetworkPolicyPort.port:
    // "a named port on a pod"; the e2e cases resolve serve-80-tcp the same way for TCP).
    expect(ours(policy('serve-80-udp'), 'x/b', 'x/a', 'UDP')).toBe(true);
    expect(theirs(policy('serve-80-udp'), 'x/b', 'x/a', 'UDP')).toBe('X');
    // serve-80-tcp is a TCP port: a UDP rule naming it admits nothing.
    expect(ours(policy('serve-80-tcp'), 'x/b', 'x/a', 'UDP')).toBe(false);
    expect(theirs(policy('serve-80-tcp'), 'x/b', 'x/a', 'UDP')).toBe('.');
  }, 900_000);
});
