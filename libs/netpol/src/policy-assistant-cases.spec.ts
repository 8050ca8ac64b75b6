// External truth for the admin layers: Policy Assistant's integration cases (NetworkPolicy v1,
// AdminNetworkPolicy, BaselineAdminNetworkPolicy, and each layered on the next), transcribed with
// their expected ingress and egress tables and checked cell for cell, every port and protocol.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { clusterFromManifests } from './cluster';
import { CompiledCluster } from './compiled-policies';
import { evaluateConnection } from './connection-verdict';
import type { Protocol } from './label-schema';
import { reachabilityMatrix } from './reachability-matrix';
import { modelObjects } from './testing/probe-model';

type Flow = [string, string, number, Protocol];

interface AssistantCase {
  name: string;
  translated?: string;
  model: { namespaces: string[]; pods: string[]; ports: number[]; protocols: Protocol[] };
  defaultIngress: 'allowed' | 'blocked';
  defaultEgress: 'allowed' | 'blocked';
  nonDefaultIngress?: Flow[];
  nonDefaultEgress?: Flow[];
  networkPolicies?: Record<string, unknown>[];
  adminNetworkPolicies?: Record<string, unknown>[];
  baselineAdminNetworkPolicy?: Record<string, unknown>;
}

const fixture = parse(
  readFileSync(join(__dirname, 'testing/fixtures/policy-assistant-integration.yaml'), 'utf8'),
) as { source: { commit: string }; cases: AssistantCase[] };

function expectedOf(defaultValue: 'allowed' | 'blocked', flows: Flow[] | undefined) {
  const flipped = new Set(
    (flows ?? []).map(([from, to, port, protocol]) => `${from}>${to}>${port}/${protocol}`),
  );
  return (from: string, to: string, port: number, protocol: Protocol): boolean =>
    (defaultValue === 'allowed') !== flipped.has(`${from}>${to}>${port}/${protocol}`);
}

describe("Policy Assistant's integration cases (integration_test.go @ 0eec1b0e5fa9)", () => {
  it('holds all 21 cases of the upstream file', () => {
    expect(fixture.source.commit).toBe('0eec1b0e5fa92715b4c0f4c48d3c8d2913ed2159');
    expect(fixture.cases).toHaveLength(21);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const { model } = testCase;
    const cluster = clusterFromManifests([
      ...modelObjects({
        ...model,
        namespaceLabels: Object.fromEntries(model.namespaces.map((ns) => [ns, { ns }])),
      }),
      ...(testCase.networkPolicies ?? []).map((p) => ({ kind: 'NetworkPolicy', ...p })),
      ...(testCase.adminNetworkPolicies ?? []).map((p) => ({ kind: 'AdminNetworkPolicy', ...p })),
      ...(testCase.baselineAdminNetworkPolicy
        ? [{ kind: 'BaselineAdminNetworkPolicy', ...testCase.baselineAdminNetworkPolicy }]
        : []),
    ]);
    const compiled = new CompiledCluster(cluster);
    const ingressWanted = expectedOf(testCase.defaultIngress, testCase.nonDefaultIngress);
    const egressWanted = expectedOf(testCase.defaultEgress, testCase.nonDefaultEgress);
    const mismatches: string[] = [];
    for (const protocol of model.protocols) {
      for (const port of model.ports) {
        const matrix = reachabilityMatrix(compiled, { port, protocol });
        matrix.pods.forEach((from, i) => {
          matrix.pods.forEach((to, j) => {
            if (i === j) return; // undefined upstream
            const where = `${protocol}/${port} ${from} → ${to}`;
            const ingress = ingressWanted(from, to, port, protocol);
            const egress = egressWanted(from, to, port, protocol);
            const verdict = evaluateConnection(compiled, {
              from: { pod: from },
              to: { pod: to },
              port,
              protocol,
            });
            if (matrix.ingressAllowed(i, j) !== ingress)
              mismatches.push(`${where}: matrix ingress ${!ingress}`);
            if (matrix.egressAllowed(i, j) !== egress)
              mismatches.push(`${where}: matrix egress ${!egress}`);
            if (matrix.allowed(i, j) !== (ingress && egress))
              mismatches.push(`${where}: matrix combined`);
            if (verdict.ingress?.allowed !== ingress)
              mismatches.push(`${where}: ${verdict.ingress?.reason}`);
            if (verdict.egress?.allowed !== egress)
              mismatches.push(`${where}: ${verdict.egress?.reason}`);
          });
        });
      }
    }
    expect(mismatches).toEqual([]);
  });
});
