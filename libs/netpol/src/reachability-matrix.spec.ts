// The whole-cluster matrix: its 32×32 block transpose against a bit-by-bit one, and every cell of
// matrices over seeded random clusters (NetworkPolicy, AdminNetworkPolicy with Pass, a baseline,
// named ports) against the explained per-connection path, which shares no set arithmetic with it.
import { clusterFromManifests } from './cluster';
import { CompiledCluster } from './compiled-policies';
import { evaluateConnection } from './connection-verdict';
import { MATRIX_MAX_PODS, reachabilityMatrix, transposeBits } from './reachability-matrix';
import {
  generatePolicySet,
  seededRandom,
  FUZZ_NAMESPACES,
  FUZZ_PODS,
  fuzzPodIP,
  fuzzPodLabels,
} from './testing/policy-generator';
import { modelObjects } from './testing/probe-model';

describe('reachability matrix', () => {
  it('transposes bit matrices exactly', () => {
    const random = seededRandom(7);
    for (const words of [1, 2, 5]) {
      const matrix = new Uint32Array(words * 32 * words).map(() => (random() * 2 ** 32) >>> 0);
      const out = transposeBits(matrix, words);
      const bit = (m: Uint32Array, r: number, c: number) =>
        (m[r * words + (c >>> 5)]! >>> (c & 31)) & 1;
      for (let r = 0; r < words * 32; r++) {
        for (let c = 0; c < words * 32; c++) expect(bit(out, c, r)).toBe(bit(matrix, r, c));
      }
    }
  });

  it('refuses a cluster past MATRIX_MAX_PODS instead of allocating its n² bits', () => {
    const count = MATRIX_MAX_PODS + 1;
    const cluster = clusterFromManifests([
      { kind: 'Namespace', metadata: { name: 'big' } },
      ...Array.from({ length: count }, (_, i) => ({
        kind: 'Pod',
        metadata: { namespace: 'big', name: `p-${i}` },
        spec: { containers: [{ name: 'main' }] },
      })),
    ]);
    expect(() => reachabilityMatrix(new CompiledCluster(cluster), { port: 80 })).toThrow(
      `reachability matrix: ${count} pods, more than the ${MATRIX_MAX_PODS} a matrix holds`,
    );
  });

  it('agrees with the per-connection verdicts on every cell of 150 random clusters with admin policies', () => {
    const model = modelObjects({
      namespaces: FUZZ_NAMESPACES,
      pods: FUZZ_PODS,
      ports: [80, 81],
      protocols: ['TCP', 'UDP'],
      namespaceLabels: Object.fromEntries(FUZZ_NAMESPACES.map((ns) => [ns, { ns }])),
      podLabels: Object.fromEntries(
        FUZZ_NAMESPACES.flatMap((ns) => FUZZ_PODS.map((p) => [`${ns}/${p}`, fuzzPodLabels(ns, p)])),
      ),
      podIPs: Object.fromEntries(
        FUZZ_NAMESPACES.flatMap((ns) => FUZZ_PODS.map((p) => [`${ns}/${p}`, fuzzPodIP(ns, p)])),
      ),
    });
    const mismatches: string[] = [];
    for (let seed = 1; seed <= 150; seed++) {
      const random = seededRandom(seed * 7919);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const peer = () =>
        pick([
          { namespaces: { matchLabels: { ns: pick(FUZZ_NAMESPACES) } } },
          { namespaces: {} },
          {
            pods: { namespaceSelector: {}, podSelector: { matchLabels: { pod: pick(FUZZ_PODS) } } },
          },
        ]);
      const ports = () =>
        pick([
          undefined,
          [{ portNumber: { protocol: 'UDP', port: 80 } }],
          [{ namedPort: 'serve-81-tcp' }],
          [{ portRange: { start: 80, end: 81 } }],
        ]);
      const rule = (actions: string[], key: 'from' | 'to') => ({
        action: pick(actions),
        [key]: [peer()],
        ...(ports() ? { ports: ports() } : {}),
      });
      const admin = Array.from({ length: Math.floor(random() * 3) }, (_, i) => ({
        kind: 'AdminNetworkPolicy',
        metadata: { name: `anp-${i}` },
        spec: {
          priority: Math.floor(random() * 5),
          subject: pick([
            { namespaces: {} },
            { namespaces: { matchLabels: { ns: pick(FUZZ_NAMESPACES) } } },
          ]),
          ingress: [
            rule(['Allow', 'Deny', 'Pass'], 'from'),
            rule(['Allow', 'Deny', 'Pass'], 'from'),
          ],
          egress: [rule(['Allow', 'Deny', 'Pass'], 'to')],
        },
      }));
      const baseline =
        random() < 0.6
          ? [
              {
                kind: 'BaselineAdminNetworkPolicy',
                metadata: { name: 'default' },
                spec: {
                  subject: { namespaces: {} },
                  ingress: [rule(['Allow', 'Deny'], 'from'), rule(['Deny'], 'from')],
                  egress: [rule(['Allow', 'Deny'], 'to')],
                },
              },
            ]
          : [];
      const policies = generatePolicySet(random, {
        namedPortsOfEveryProtocol: true,
        notInOnMissingKeys: true,
      });
      const compiled = new CompiledCluster(
        clusterFromManifests([...model, ...policies, ...admin, ...baseline]),
      );
      for (const [port, protocol] of [
        [80, 'TCP'],
        [80, 'UDP'],
        [81, 'TCP'],
      ] as const) {
        const matrix = reachabilityMatrix(compiled, { port, protocol });
        matrix.pods.forEach((from, i) =>
          matrix.pods.forEach((to, j) => {
            const verdict = evaluateConnection(compiled, {
              from: { pod: from },
              to: { pod: to },
              port,
              protocol,
            });
            if (
              verdict.ingress!.allowed !== matrix.ingressAllowed(i, j) ||
              verdict.egress!.allowed !== matrix.egressAllowed(i, j) ||
              verdict.allowed !== matrix.allowed(i, j)
            ) {
              mismatches.push(
                `seed ${seed} ${protocol}/${port} ${from} → ${to}: ${verdict.ingress!.reason} / ${verdict.egress!.reason}`,
              );
            }
          }),
        );
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
