// Differential check against a second implementation: seeded random NetworkPolicy sets, each
// evaluated by cyclonus (its own probe simulation) and by this library, every cell of the ingress,
// egress and combined tables on every probed port and protocol compared.
import { clusterFromManifests } from './cluster';
import { CompiledCluster } from './compiled-policies';
import type { Protocol } from './label-schema';
import { reachabilityMatrix } from './reachability-matrix';
import { cyclonusBinary, cyclonusProbe, type CyclonusModel } from '@omega/testkit';
import {
  FUZZ_NAMESPACES,
  FUZZ_PODS,
  FUZZ_PORTS,
  FUZZ_PROTOCOLS,
  fuzzPodIP,
  fuzzPodLabels,
  generatePolicySet,
  seededRandom,
} from './testing/policy-generator';
import { modelObjects } from './testing/probe-model';

const SETS = 1000;
const FIRST_SEED = 1;

const containers = FUZZ_PORTS.flatMap((port) =>
  FUZZ_PROTOCOLS.map((protocol) => ({ port, protocol })),
);
const probes = containers.map(({ port, protocol }) => ({ port, protocol: protocol as Protocol }));

const cyclonusModel: CyclonusModel = {
  namespaces: Object.fromEntries(
    FUZZ_NAMESPACES.map((ns) => [ns, { ns, 'kubernetes.io/metadata.name': ns }]),
  ),
  pods: FUZZ_NAMESPACES.flatMap((namespace) =>
    FUZZ_PODS.map((name) => ({
      namespace,
      name,
      labels: fuzzPodLabels(namespace, name),
      ip: fuzzPodIP(namespace, name),
      containers,
    })),
  ),
};

const modelManifests = modelObjects({
  namespaces: FUZZ_NAMESPACES,
  pods: FUZZ_PODS,
  ports: FUZZ_PORTS,
  protocols: FUZZ_PROTOCOLS,
  namespaceLabels: Object.fromEntries(FUZZ_NAMESPACES.map((ns) => [ns, { ns }])),
  podLabels: Object.fromEntries(
    cyclonusModel.pods.map((p) => [`${p.namespace}/${p.name}`, p.labels]),
  ),
  podIPs: Object.fromEntries(cyclonusModel.pods.map((p) => [`${p.namespace}/${p.name}`, p.ip])),
});

/** Every cell where cyclonus and this library differ, for one policy set. */
function disagreements(policies: Record<string, unknown>[], binary: string): string[] {
  const theirs = cyclonusProbe(binary, policies, cyclonusModel, probes);
  const compiled = new CompiledCluster(clusterFromManifests([...modelManifests, ...policies]));
  const found: string[] = [];
  probes.forEach((probe, p) => {
    const matrix = reachabilityMatrix(compiled, probe);
    const tables = theirs[p]!;
    matrix.pods.forEach((from, i) => {
      matrix.pods.forEach((to, j) => {
        const key = `${from}>${to}`;
        const ours = {
          ingress: matrix.ingressAllowed(i, j),
          egress: matrix.egressAllowed(i, j),
          combined: matrix.allowed(i, j),
        };
        for (const table of ['ingress', 'egress', 'combined'] as const) {
          const cell = tables[table].get(key);
          if (cell !== '.' && cell !== 'X') {
            found.push(
              `${probe.protocol}/${probe.port} ${key} ${table}: cyclonus printed '${cell}'`,
            );
          } else if ((cell === '.') !== ours[table]) {
            found.push(
              `${probe.protocol}/${probe.port} ${key} ${table}: cyclonus ${cell}, ours ${ours[table] ? '.' : 'X'}`,
            );
          }
        }
      });
    });
  });
  return found;
}

describe('differential check against cyclonus', () => {
  let binary: string;
  beforeAll(() => {
    binary = cyclonusBinary();
  }, 900_000);

  it(`agrees with cyclonus ${CYCLONUS_VERSION_TEXT()} on every cell of ${SETS} seeded policy sets`, () => {
    const report: string[] = [];
    let policyCount = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SETS; seed++) {
      const policies = generatePolicySet(seededRandom(seed), {
        namedPortsOfEveryProtocol: false,
        notInOnMissingKeys: false,
      });
      policyCount += policies.length;
      const found = disagreements(policies, binary);
      if (found.length > 0)
        report.push(`seed ${seed}: ${found.length} cells, e.g. ${found.slice(0, 3).join('; ')}`);
    }
    expect(report).toEqual([]);
    expect(policyCount).toBeGreaterThan(SETS);
  }, 900_000);
});

function CYCLONUS_VERSION_TEXT(): string {
  return 'v0.5.6';
}
