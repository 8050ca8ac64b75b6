// External truth: every NetworkPolicy case of Kubernetes' own e2e suite (network_policy.go),
// transcribed with its expected reachability table, evaluated here cell for cell (loopback excluded
// as upstream does), through the whole-cluster matrix and through single explained verdicts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { clusterFromManifests } from './cluster';
import { CompiledCluster } from './compiled-policies';
import { evaluateConnection } from './connection-verdict';
import type { Protocol } from './label-schema';
import { reachabilityMatrix } from './reachability-matrix';
import { expectedTable, modelObjects, type ExpectOp } from './testing/probe-model';

interface E2eCase {
  name: string;
  protocols: Protocol[];
  ports: number[];
  steps: {
    policies: Record<string, unknown>[];
    namespaceLabels?: Record<string, Record<string, string>>;
    podLabels?: Record<string, Record<string, string>>;
    probes: { port: number; protocol: Protocol; expect: ExpectOp[] }[];
  }[];
}

const fixture = parse(
  readFileSync(join(__dirname, 'testing/fixtures/k8s-e2e-network-policy.yaml'), 'utf8'),
) as { source: { commit: string }; podIPs: Record<string, string>; cases: E2eCase[] };

describe('Kubernetes e2e NetworkPolicy cases (network_policy.go @ 9db638c0807a)', () => {
  it('holds every case of the upstream file (48 its)', () => {
    expect(fixture.source.commit).toBe('9db638c0807a720aa050ebcef69c32e4d4cce280');
    expect(fixture.cases).toHaveLength(48);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const mismatches: string[] = [];
    let cells = 0;
    testCase.steps.forEach((step, s) => {
      const cluster = clusterFromManifests([
        ...modelObjects({
          namespaces: ['x', 'y', 'z'],
          pods: ['a', 'b', 'c'],
          ports: testCase.ports,
          protocols: testCase.protocols,
          podIPs: fixture.podIPs,
          ...(step.namespaceLabels ? { namespaceLabels: step.namespaceLabels } : {}),
          ...(step.podLabels ? { podLabels: step.podLabels } : {}),
        }),
        ...step.policies.map((p) => ({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          ...p,
        })),
      ]);
      const compiled = new CompiledCluster(cluster);
      for (const probe of step.probes) {
        const matrix = reachabilityMatrix(compiled, { port: probe.port, protocol: probe.protocol });
        const pods = matrix.pods;
        const expected = expectedTable(pods, probe.expect);
        pods.forEach((from, i) => {
          pods.forEach((to, j) => {
            if (i === j) return; // ignoreLoopback, as upstream
            cells++;
            const want = expected.get(`${from}>${to}`);
            const verdict = evaluateConnection(compiled, {
              from: { pod: from },
              to: { pod: to },
              port: probe.port,
              protocol: probe.protocol,
            });
            const where = `step ${s} ${probe.protocol}/${probe.port} ${from} → ${to}`;
            if (matrix.allowed(i, j) !== want)
              mismatches.push(`${where}: matrix ${matrix.allowed(i, j)}, upstream ${want}`);
            if (verdict.allowed !== want) {
              mismatches.push(
                `${where}: verdict ${verdict.allowed}, upstream ${want}: ${verdict.ingress?.reason} / ${verdict.egress?.reason}`,
              );
            }
          });
        });
      }
    });
    expect(mismatches).toEqual([]);
    expect(cells).toBeGreaterThan(0);
  });
});
