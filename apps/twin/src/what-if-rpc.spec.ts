// SimulateWhatIf over real gRPC (implementService, a grpc-js server and the generated client) on
// a graph built from fixture objects, asked as the orchestrator's `simulate` step asks.
import * as grpc from '@grpc/grpc-js';
import { AttackGraph, reachabilityOf, type ObservedFlow } from '@omega/attack-graph';
import { ChangeKind, ProposedChange, TwinServiceClient, TwinServiceService } from '@omega/proto';
import {
  bindGrpcServer,
  Code,
  createLogger,
  createPromiseClient,
  implementService,
  type PromiseClient,
} from '@omega/runtime';
import { whatIfHandlers } from './what-if-rpc';

const pod = (name: string, app: string, port: number, sa = 'default') => ({
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app } },
  spec: {
    nodeName: 'n1',
    serviceAccountName: sa,
    containers: [{ name: 'c', ports: [{ containerPort: port }] }],
  },
});

const OBJECTS = [
  { kind: 'Namespace', metadata: { name: 'shop' } },
  { kind: 'Node', metadata: { name: 'n1' } },
  { kind: 'ServiceAccount', metadata: { name: 'reporter', namespace: 'shop' } },
  { kind: 'Secret', metadata: { name: 'db-creds', namespace: 'shop' } },
  pod('web', 'web', 80),
  pod('api', 'api', 8080),
  pod('report', 'report', 9090, 'reporter'),
  {
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] },
  },
  {
    kind: 'Role',
    metadata: { name: 'read', namespace: 'shop' },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
  },
  {
    kind: 'RoleBinding',
    metadata: { name: 'read', namespace: 'shop' },
    roleRef: { kind: 'Role', name: 'read' },
    subjects: [{ kind: 'ServiceAccount', name: 'reporter' }],
  },
];

const flow = (from: string, to: string, port: number, count: number): ObservedFlow => ({
  from,
  to,
  port,
  protocol: 'TCP',
  count,
  lastSeenNs: 1_765_000_000_000_000_000n,
});
const FLOWS = [
  flow('pod/shop/web', 'pod/shop/api', 8080, 50),
  flow('pod/shop/report', 'pod/shop/api', 8080, 3),
  flow('pod/shop/web', 'pod/shop/report', 9090, 1),
];

let server: grpc.Server;
let client: PromiseClient<typeof TwinServiceService>;

beforeAll(async () => {
  const graph = AttackGraph.build(OBJECTS, {
    reachability: reachabilityOf(AttackGraph.build(OBJECTS).objects()),
  });
  server = new grpc.Server();
  const logger = createLogger({ service: 'what-if-rpc-spec', level: 'silent' });
  server.addService(
    TwinServiceService,
    implementService(
      TwinServiceService,
      whatIfHandlers({ current: () => graph, observedFlows: () => FLOWS }),
      { logger },
    ),
  );
  const port = await bindGrpcServer(server, '127.0.0.1', 0);
  client = createPromiseClient(TwinServiceClient, `127.0.0.1:${port}`, { timeoutMs: 20_000 });
});

afterAll(() => {
  client.close();
  server.forceShutdown();
});

describe('SimulateWhatIf', () => {
  it('answers the orchestrator’s isolate_pod question (target "<ns>/<name>", no query): paths to the secret through the api close, its two flows break', async () => {
    const change = ProposedChange.fromPartial({
      kind: ChangeKind.CHANGE_KIND_ISOLATE,
      targetNodeId: 'shop/api',
      cidr: '',
    });
    const r = await client.simulateWhatIf({ changes: [change], snapshotId: '' });
    expect(r.brokenFlows.map((e) => [e.fromNodeId, e.toNodeId, e.port, e.observedCount])).toEqual([
      ['pod/shop/web', 'pod/shop/api', 8080, 50n],
      ['pod/shop/report', 'pod/shop/api', 8080, 3n],
    ]);
    expect(r.closedPaths.length).toBeGreaterThan(0);
    expect(r.closedPaths.every((p) => p.nodeIds.includes('pod/shop/api'))).toBe(true);
    expect(r.remainingPaths.every((p) => !p.nodeIds.includes('pod/shop/api'))).toBe(true);
    // The one path left: external → web → report → reporter → secret, 0.3 · 0.3 · 0.95 · 0.9 · 0.7.
    expect(r.remainingPaths.map((p) => p.nodeIds.join(' '))).toEqual([
      'external pod/shop/web pod/shop/report serviceaccount/shop/reporter secret/shop/db-creds',
    ]);
    expect(r.riskAfter).toBeCloseTo(0.3 * 0.3 * 0.95 * 0.9 * 0.7, 12);
    expect(r.riskBefore).toBeGreaterThan(r.riskAfter);
  });

  it('revokes a binding by the edge it makes: every path to the secret closes, no flow breaks', async () => {
    const r = await client.simulateWhatIf({
      changes: [
        ProposedChange.fromPartial({
          kind: ChangeKind.CHANGE_KIND_REVOKE_BINDING,
          edgeId: 'serviceaccount/shop/reporter->secret/shop/db-creds:SECRET_READ:0',
        }),
      ],
      query: {
        sourceNodeIds: [],
        targetNodeIds: ['secret/shop/db-creds'],
        targetKinds: [],
        maxDepth: 0,
        maxPaths: 0,
        edgeKinds: [],
      },
      snapshotId: '',
    });
    expect(r.remainingPaths).toEqual([]);
    expect(r.riskAfter).toBe(0);
    expect(r.brokenFlows).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['rbac-flows']);
  });

  it('refuses an unspecified change kind, a bad manifest and an unknown snapshot with the field named', async () => {
    await expect(
      client.simulateWhatIf({ changes: [ProposedChange.fromPartial({})], snapshotId: '' }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining('changes[0].kind: CHANGE_KIND_UNSPECIFIED is not a change'),
    });
    const manifest = ProposedChange.fromPartial({
      kind: ChangeKind.CHANGE_KIND_APPLY_NETWORK_POLICY,
      manifestYaml: 'kind: NetworkPolicy\nmetadata: {name: x}\n',
    });
    await expect(
      client.simulateWhatIf({ changes: [manifest], snapshotId: '' }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining('changes[0].manifestYaml.metadata.namespace: required'),
    });
    const isolate = ProposedChange.fromPartial({
      kind: ChangeKind.CHANGE_KIND_ISOLATE,
      targetNodeId: 'shop/api',
    });
    await expect(
      client.simulateWhatIf({ changes: [isolate], snapshotId: 'snap-1' }),
    ).rejects.toMatchObject({
      code: Code.FailedPrecondition,
      message: expect.stringContaining("snapshot_id: 'snap-1': this twin keeps no snapshots"),
    });
  });
});
