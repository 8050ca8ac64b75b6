// The twin following a real kube-apiserver (the test kit's, objects changed with the kubectl it
// ships): after every create, change and delete its graph equals AttackGraph.build of everything
// kubectl lists; attack paths are explained step by step; a malformed object is refused and
// counted; with the API server stopped the last good graph is kept and the failure reported.
import { status } from '@grpc/grpc-js';
import { publish } from '@omega/bus';
import {
  Alert,
  AlertStatus,
  EntityKind,
  Event,
  EventBatch,
  GraphEdgeKind,
  IpProtocol,
} from '@omega/proto';
import { startKubeApiServer, eventually, withNats, type KubeApiServer } from '@omega/testkit';
import { ns, readRole, webPod } from './testing/shop-manifests';
import { TwinOnKube } from './testing/twin-kube-fixture';

jest.setTimeout(180_000);

const nats = withNats({ jetstream: true });
let server: KubeApiServer;
let twin: TwinOnKube;

beforeAll(async () => {
  server = await startKubeApiServer();
  twin = new TwinOnKube(server, nats.url);
  await twin.start();
}, 180_000);

nats.beforeStop(async () => {
  await twin?.close();
  await server?.stop();
});

/** Waits until the twin's graph equals the full rebuild, then asserts it (for the diff). */
async function expectFollowsRebuild(): Promise<void> {
  const expected = await twin.rebuilt();
  await eventually('the twin to agree with a full rebuild', async () => {
    const { nodes, edges } = await twin.current();
    return JSON.stringify({ nodes, edges }, bigints) === JSON.stringify(expected, bigints)
      ? true
      : undefined;
  }).catch(() => undefined);
  const { nodes, edges } = await twin.current();
  expect({ nodes, edges }).toEqual(expected);
}

const bigints = (_: string, v: unknown) => (typeof v === 'bigint' ? String(v) : v);

describe('the twin following a real kube-apiserver', () => {
  it('starts from the API server’s own objects and agrees with a full rebuild', async () => {
    await expectFollowsRebuild();
    const { nodes } = await twin.current();
    expect(nodes.map((n) => n.id)).toContain('clusterrole/cluster-admin');
  });

  it('agrees with a full rebuild after every create, change and delete', async () => {
    await twin.apply([
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
      ns('shop'),
      // No controller manager here makes the `default` account: the ServiceAccount admission needs it.
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace: 'shop' },
      },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'reporter', namespace: 'shop' },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'shop' },
        stringData: { password: 'not-for-the-twin' },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {
          name: 'reporter-token',
          namespace: 'shop',
          annotations: { 'kubernetes.io/service-account.name': 'reporter' },
        },
      },
      webPod,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'report', namespace: 'shop' },
        spec: {
          nodeName: 'n1',
          serviceAccountName: 'reporter',
          containers: [{ name: 'c', image: 'busybox' }],
        },
      },
      readRole(['get']),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'read', namespace: 'shop' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
        subjects: [{ kind: 'ServiceAccount', name: 'reporter', namespace: 'shop' }],
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
    ]);
    await expectFollowsRebuild();
    const edges = (await twin.current()).edges.map((e) => e.id);
    expect(edges).toContain(
      'secret/shop/reporter-token->serviceaccount/shop/reporter:SA_TOKEN_SECRET:0',
    );

    // NetworkPolicy (libs/netpol): report may reach web's port 80 until a deny-all ingress policy.
    const reach = 'pod/shop/report->pod/shop/web:NETWORK_REACH:80/TCP';
    expect(edges).toContain(reach);
    const denyAll = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny-all', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    };
    await twin.apply([denyAll]);
    await expectFollowsRebuild();
    expect((await twin.current()).edges.map((e) => e.id)).not.toContain(reach);
    await twin.kubectlRun(['delete', 'networkpolicy', 'deny-all', '-n', 'shop']);
    await expectFollowsRebuild();
    expect((await twin.current()).edges.map((e) => e.id)).toContain(reach);

    // Changes: a crown jewel label, the role widened, the Service exposed on a NodePort.
    await twin.kubectlRun(['label', 'secret', 'db', '-n', 'shop', 'omega.io/crown-jewel=true']);
    await expectFollowsRebuild();
    await twin.apply([readRole(['get', 'list', 'watch'])]);
    await expectFollowsRebuild();
    await twin.kubectlRun([
      'patch',
      'service',
      'web',
      '-n',
      'shop',
      '-p',
      '{"spec":{"type":"NodePort"}}',
    ]);
    await expectFollowsRebuild();
    await twin.apply([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'reporter-admin' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'cluster-admin',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'reporter', namespace: 'shop' }],
      },
    ]);
    await expectFollowsRebuild();

    // Deletes.
    await twin.kubectlRun(['delete', 'clusterrolebinding', 'reporter-admin']);
    await expectFollowsRebuild();
    await twin.kubectlRun(['delete', 'rolebinding', 'read', '-n', 'shop']);
    await expectFollowsRebuild();
    await twin.apply([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'read', namespace: 'shop' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
        subjects: [{ kind: 'ServiceAccount', name: 'reporter', namespace: 'shop' }],
      },
    ]);
    await expectFollowsRebuild();
  });

  it('never holds a Secret’s values', async () => {
    const { nodes } = await twin.current();
    const secret = nodes.find((n) => n.id === 'secret/shop/db');
    expect(secret).toBeDefined();
    expect(JSON.stringify(nodes)).not.toContain('not-for-the-twin');
    expect(JSON.stringify(twin.running.service.config)).not.toContain('not-for-the-twin');
  });

  it('explains each step of an attack path with its ATT&CK technique and evidence', async () => {
    const { paths, snapshotId } = await twin.client.findAttackPaths({
      query: {
        sourceNodeIds: [],
        targetNodeIds: ['secret/shop/db'],
        targetKinds: [],
        maxDepth: 0,
        maxPaths: 0,
        edgeKinds: [],
      },
      snapshotId: '',
    });
    expect(snapshotId).not.toBe('');
    // Written out by hand from the objects above (libs/attack-graph README's example).
    expect(
      paths[0]!.edges.map((e) => [e.attackKind, e.techniqueId, e.toNodeId, e.sourceObject]),
    ).toEqual([
      ['ENDPOINT_EXPLOIT', 'T1190', 'pod/shop/web', 'service/shop/web (NodePort)'],
      ['CE_PRIV_MOUNT', 'T1611', 'node/n1', 'pod/shop/web (privileged)'],
      ['TOKEN_STEAL', 'T1552.001', 'serviceaccount/shop/reporter', 'pod/shop/report'],
      ['SECRET_READ', 'T1552.007', 'secret/shop/db', 'rolebinding/shop/read (role/shop/read)'],
    ]);
    expect(paths[0]!.nodeIds[0]).toBe('external');
    expect(paths[0]!.edges.every((e) => e.attackMeaning.length > 0)).toBe(true);
  });

  it('answers a later question from the same snapshot, and NOT_FOUND for one it does not keep', async () => {
    const first = await twin.current();
    await twin.kubectlRun(['label', 'pod', 'report', '-n', 'shop', 'tier=batch']);
    await eventually('the change to be seen', async () =>
      (await twin.current()).snapshotId !== first.snapshotId ? true : undefined,
    );
    const again = await twin.client.getGraph({
      namespaces: ['shop'],
      nodeKinds: [],
      includeObservedFlows: false,
      snapshotId: first.snapshotId,
    });
    const report = again.graph!.nodes.find((n) => n.id === 'pod/shop/report');
    expect(report?.labels).toEqual({});
    expect(
      again.graph!.nodes.every((n) => n.namespace === 'shop' || n.id === 'namespace/shop'),
    ).toBe(true);
    await expect(
      twin.client.getGraph({
        namespaces: [],
        nodeKinds: [],
        includeObservedFlows: false,
        snapshotId: 'gone-1',
      }),
    ).rejects.toMatchObject({
      code: status.NOT_FOUND,
      message: expect.stringContaining("snapshot_id 'gone-1' is not kept"),
    });
  });

  it('refuses a malformed object, counts it, and keeps following', async () => {
    const labels = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`l${i}`, 'x']));
    await twin.apply([ns('too-many-labels', labels)]);
    await eventually('the refusal to be counted', async () =>
      (await twin.metric('omega_twin_kube_refused_objects_total', {
        kind: 'Namespace',
        reason: 'InvalidArgument',
      })) === 1
        ? true
        : undefined,
    );
    expect((await twin.current()).nodes.map((n) => n.id)).not.toContain(
      'namespace/too-many-labels',
    );
    await twin.kubectlRun(['apply', '-f', '-'], JSON.stringify(ns('after-the-refusal')));
    await eventually('the next object to be followed', async () =>
      (await twin.current()).nodes.some((n) => n.id === 'namespace/after-the-refusal')
        ? true
        : undefined,
    );
  });

  it('turns TELEMETRY flows into observed edges by pod address, marks alerted pods, and keeps both across a restart', async () => {
    const modified = async () =>
      (await twin.metric('omega_twin_kube_watch_events_total', {
        kind: 'Pod',
        type: 'modified',
      })) ?? 0;
    const seen = await modified();
    for (const [pod, ip] of [
      ['web', '10.244.1.5'],
      ['report', '10.244.1.6'],
    ]) {
      const body = { status: { podIP: ip, podIPs: [{ ip }] } };
      await twin.kubectlRun([
        'patch',
        'pod',
        pod!,
        '-n',
        'shop',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify(body),
      ]);
    }
    await eventually('the pod addresses to be seen', async () =>
      (await modified()) >= seen + 2 ? true : undefined,
    );
    const flow = (src: string, dst: string, port: number, sec: number) =>
      Event.fromPartial({
        id: `flow-${src}-${dst}-${sec}`,
        timeNs: BigInt(1_800_000_000 + sec) * 1_000_000_000n,
        srcEndpoint: { ip: src, port: 40_000 + sec },
        dstEndpoint: { ip: dst, port },
        payload: { $case: 'networkActivity', value: { protocol: IpProtocol.IP_PROTOCOL_TCP } },
      });
    const send = (events: Event[], sequence: number) =>
      publish(
        twin.running.bus,
        'omega.telemetry.network.node-a',
        EventBatch,
        EventBatch.fromPartial({ sessionId: 'spec', sequence: BigInt(sequence), events }),
      );
    await send(
      [
        flow('10.244.1.5', '10.244.1.6', 5432, 1),
        flow('10.244.1.5', '10.244.1.6', 5432, 2),
        flow('203.0.113.9', '10.244.1.5', 80, 3),
      ],
      1,
    );
    await publish(
      twin.running.bus,
      'omega.alerts.high',
      Alert,
      Alert.fromPartial({
        id: 'alert-1',
        timeNs: BigInt(Date.now()) * 1_000_000n,
        status: AlertStatus.ALERT_STATUS_NEW,
        entities: [{ kind: EntityKind.ENTITY_KIND_POD, value: 'shop/report' }],
      }),
    );
    const observed = async () => {
      const { graph } = await twin.client.getGraph({
        namespaces: [],
        nodeKinds: [],
        includeObservedFlows: true,
        snapshotId: '',
      });
      const flows = graph!.edges
        .filter((e) => e.kind === GraphEdgeKind.GRAPH_EDGE_KIND_NETWORK_OBSERVED)
        .map((e) => [
          e.fromNodeId,
          e.toNodeId,
          e.port,
          Number(e.observedCount),
          e.lastObservedTimeNs,
        ]);
      const alerted = graph!.nodes.filter((n) => n.alerted).map((n) => n.id);
      return { flows, alerted };
    };
    const expected = {
      flows: [
        ['external', 'pod/shop/web', 80, 1, 1_800_000_003_000_000_000n],
        ['pod/shop/web', 'pod/shop/report', 5432, 2, 1_800_000_002_000_000_000n],
      ],
      alerted: ['pod/shop/report'],
    };
    const same = async () =>
      JSON.stringify(await observed(), bigints) === JSON.stringify(expected, bigints)
        ? true
        : undefined;
    await eventually('flows and the alert to be seen', same).catch(() => undefined);
    expect(await observed()).toEqual(expected);
    const { paths } = await twin.client.findAttackPaths({ snapshotId: '' });
    expect(paths.some((p) => p.nodeIds[0] === 'pod/shop/report')).toBe(true);

    await twin.restart();
    await eventually('the restarted twin to follow the cluster', async () =>
      (await twin.current()).nodes.some((n) => n.id === 'pod/shop/web') ? true : undefined,
    );
    expect(await observed()).toEqual(expected);
    await send([flow('10.244.1.5', '10.244.1.6', 5432, 4)], 2);
    expected.flows[1] = ['pod/shop/web', 'pod/shop/report', 5432, 3, 1_800_000_004_000_000_000n];
    await eventually('the next flow to be counted once', same).catch(() => undefined);
    expect(await observed()).toEqual(expected);
  });

  it('keeps the last good graph and reports the failure when the API server stops', async () => {
    const before = await twin.current();
    await server.stop();
    await eventually('the failure to be reported', async () =>
      (await twin.metric('omega_twin_kube_api_reachable')) === 0 ? true : undefined,
    );
    const readyz = await fetch(`http://127.0.0.1:${twin.running.httpPort}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.text()).toMatch(/Kubernetes API server: .*the last good graph .* is kept/);
    const after = await twin.current();
    expect(after.nodes).toEqual(before.nodes);
    expect(after.edges).toEqual(before.edges);
  });
});
