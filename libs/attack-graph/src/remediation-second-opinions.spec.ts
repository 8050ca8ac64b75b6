// The patches proposedRemediation writes, judged by implementations nobody here wrote: a real
// kube-apiserver stores the NetworkPolicies as written (kubectl apply) and applies the RBAC JSON
// patch (kubectl patch --type=json); cyclonus, a second NetworkPolicy engine, agrees that exactly
// the three cut connections close on the ports probed.
import { execFileSync } from 'node:child_process';
import { startKubeApiServer, type KubeApiServer } from '@omega/testkit';
import { parse, stringify } from 'yaml';
import { cyclonusBinary, cyclonusProbe } from '@omega/testkit';
import { proposeRemediation, type NetworkPolicyPatch, type RbacPatch } from './remediation';
import { buildShop, SHOP_FLOWS, shopObjects } from './testing/shop-cluster';

let server: KubeApiServer;

beforeAll(async () => {
  server = await startKubeApiServer();
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

const kubectl = (args: string[], input?: string): string =>
  execFileSync('kubectl', ['--kubeconfig', server.kubeconfigPath, ...args], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  });

describe('remediation patches, second opinions', () => {
  it('a real kube-apiserver stores each generated NetworkPolicy as written', () => {
    const r = proposeRemediation(buildShop(), { observedFlows: SHOP_FLOWS });
    const policies = r.patches as NetworkPolicyPatch[];
    expect(policies).toHaveLength(3);
    kubectl(['create', 'namespace', 'shop']);
    for (const p of policies) {
      expect(kubectl(['apply', '-f', '-'], p.yaml)).toMatch(
        /networkpolicy.networking.k8s.io\/omega-cut-ingress-\w+ created/,
      );
      const name = (p.manifest as { metadata: { name: string } }).metadata.name;
      const stored = JSON.parse(
        kubectl(['get', 'networkpolicy', '-n', 'shop', name, '-o', 'json']),
      ) as { spec: unknown };
      expect(stored.spec).toEqual((parse(p.yaml) as { spec: unknown }).spec);
    }
  });

  it('a real kube-apiserver applies the RBAC JSON patch (its test guard included) to the binding', () => {
    const [patch] = proposeRemediation(buildShop(), {
      sources: ['pod/shop/report'],
      targets: ['secret/shop/db-creds'],
    }).patches as RbacPatch[];
    const objects = shopObjects() as { kind: string }[];
    const role = objects.find((o) => o.kind === 'Role')!;
    const binding = objects.find((o) => o.kind === 'RoleBinding')!;
    kubectl(['create', 'namespace', 'rbac-patch']);
    const inNs = (o: object) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      ...o,
      metadata: { ...(o as { metadata: object }).metadata, namespace: 'rbac-patch' },
    });
    kubectl(['apply', '-f', '-'], [stringify(inNs(role)), stringify(inNs(binding))].join('---\n'));
    kubectl([
      'patch',
      'rolebinding',
      'reporter-reads',
      '-n',
      'rbac-patch',
      '--type=json',
      '-p',
      JSON.stringify(patch!.jsonPatch),
    ]);
    const stored = JSON.parse(
      kubectl(['get', 'rolebinding', 'reporter-reads', '-n', 'rbac-patch', '-o', 'json']),
    ) as {
      subjects: { kind: string; name: string }[];
    };
    expect(stored.subjects.map((s) => `${s.kind}/${s.name}`)).toEqual(
      (patch!.edited as { subjects: { kind: string; name: string }[] }).subjects.map(
        (s) => `${s.kind}/${s.name}`,
      ),
    );
    // Applied twice, the guard refuses: the subject at that index is no longer the one removed.
    expect(() =>
      kubectl([
        'patch',
        'rolebinding',
        'reporter-reads',
        '-n',
        'rbac-patch',
        '--type=json',
        '-p',
        JSON.stringify(patch!.jsonPatch),
      ]),
    ).toThrow(/The request is invalid/);
  });

  it('cyclonus agrees: with the policies, exactly web → api:8080, web → db:5432 and web → report:9090 close', () => {
    const policies = (
      proposeRemediation(buildShop(), { observedFlows: SHOP_FLOWS }).patches as NetworkPolicyPatch[]
    ).map((p) => parse(p.yaml) as Record<string, unknown>);
    const objects = shopObjects() as {
      kind: string;
      metadata: { name: string; labels: Record<string, string> };
      status?: { podIP: string };
      spec: { containers: { ports: { containerPort: number }[] }[] };
    }[];
    const pods = objects.filter((o) => o.kind === 'Pod');
    const ports = [80, 8080, 5432, 9090];
    const model = {
      namespaces: { shop: { 'kubernetes.io/metadata.name': 'shop' } },
      pods: pods.map((p) => ({
        namespace: 'shop',
        name: p.metadata.name,
        labels: p.metadata.labels,
        ip: p.status!.podIP,
        containers: ports.map((port) => ({ port, protocol: 'TCP' })),
      })),
    };
    const probes = ports.map((port) => ({ port, protocol: 'TCP' }));
    const binary = cyclonusBinary();
    const before = cyclonusProbe(binary, [], model, probes);
    const after = cyclonusProbe(binary, policies, model, probes);
    const closed: string[] = [];
    probes.forEach((probe, i) => {
      for (const [cell, verdict] of before[i]!.combined) {
        if (verdict !== after[i]!.combined.get(cell))
          closed.push(`${cell}:${probe.port} ${verdict}→${after[i]!.combined.get(cell)}`);
      }
    });
    expect(closed.sort()).toEqual([
      'shop/web>shop/api:8080 .→X',
      'shop/web>shop/db:5432 .→X',
      'shop/web>shop/report:9090 .→X',
    ]);
  });
});
