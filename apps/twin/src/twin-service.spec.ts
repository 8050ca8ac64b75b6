// The twin service on a real nats-server and real gRPC, without Kubernetes: it provisions its
// resources, answers GetGraph and FindAttackPaths over its (empty) graph, and answers each method
// not built yet with UNIMPLEMENTED naming the method.
import { status } from '@grpc/grpc-js';
import { provision } from '@omega/bus';
import {
  Decoy,
  DecoyKind,
  DecoyStatus,
  GraphNodeKind,
  TwinServiceClient,
  TwinServiceService,
} from '@omega/proto';
import { createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import { eventually, unaryAnswers, withNats } from '@omega/testkit';
import { TWIN_RESOURCES, type TwinServiceConfig } from './twin-service';
import { startTwin } from './testing/start-twin';

const nats = withNats({ jetstream: true });
let running: RunningService<TwinServiceConfig>;
let client: PromiseClient<typeof TwinServiceService>;

beforeAll(async () => {
  running = await startTwin(nats.url, {
    OMEGA_TWIN_KUBERNETES_ENABLED: 'false',
    OMEGA_TWIN_OBSERVED_DECOYS_RETRY_MS: '100',
  });
  client = createPromiseClient(TwinServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await running?.service.shutdown('test done');
});

describe('twin service', () => {
  it('provisions its streams and key-value buckets (a bucket is the stream KV_<bucket>)', async () => {
    const expected = [
      ...(TWIN_RESOURCES.streams ?? []),
      ...(TWIN_RESOURCES.kv ?? []).map((bucket) => `KV_${bucket}`),
    ];
    expect(expected).toEqual(['TELEMETRY', 'ALERTS', 'KV_omega_twin', 'KV_omega_identities']);
    for (const stream of expected) {
      expect((await running.bus.jsm.streams.info(stream)).config.name).toBe(stream);
    }
  });

  it('answers GetGraph with the vertex every graph has, and a snapshot id', async () => {
    const { graph } = await client.getGraph({
      namespaces: [],
      nodeKinds: [],
      includeObservedFlows: true,
      snapshotId: '',
    });
    expect(graph!.nodes.map((n) => n.id)).toEqual(['external']);
    expect(graph!.snapshotId).not.toBe('');
  });

  it('draws deception’s decoys as DECOY vertices, once its bucket exists, and follows them', async () => {
    // The bucket appears after the twin started (deception deployed later), as provision makes it.
    await provision(running.bus, { kv: ['omega_decoys'] });
    const kv = await running.bus.kv('omega_decoys');
    const decoy = (status: DecoyStatus, interactionCount: bigint) =>
      Decoy.encode(
        Decoy.fromPartial({
          id: 'dc-0123456789ab',
          spec: {
            kind: DecoyKind.DECOY_KIND_HTTP,
            name: 'billing-db',
            namespace: 'payments',
            port: 5432,
          },
          status,
          address: 'billing-db.payments.svc:5432',
          interactionCount,
        }),
      ).finish();
    const decoys = async () => {
      const { graph } = await client.getGraph({
        namespaces: ['payments'],
        nodeKinds: [GraphNodeKind.GRAPH_NODE_KIND_DECOY],
        includeObservedFlows: false,
        snapshotId: '',
      });
      return graph!.nodes.map((n) => `${n.id} ${n.attributes['status']} alerted=${n.alerted}`);
    };
    await kv.put('dc-0123456789ab', decoy(DecoyStatus.DECOY_STATUS_RUNNING, 0n));
    await kv.put('ssh-host-key.dc-0123456789ab', 'not a decoy');
    await eventually('the decoy to be drawn', async () =>
      (await decoys()).length > 0 ? true : undefined,
    );
    expect(await decoys()).toEqual(['decoy/payments/billing-db RUNNING alerted=false']);
    await kv.put('dc-0123456789ab', decoy(DecoyStatus.DECOY_STATUS_RUNNING, 3n));
    await eventually('the touched decoy to be alerted', async () =>
      (await decoys())[0]?.endsWith('alerted=true') ? true : undefined,
    );
    await kv.put('dc-0123456789ab', decoy(DecoyStatus.DECOY_STATUS_REMOVED, 3n));
    await eventually('the removed decoy to leave', async () =>
      (await decoys()).length === 0 ? true : undefined,
    );
  });

  it('refuses a path query past its bounds, naming the field', async () => {
    await expect(
      client.findAttackPaths({
        query: {
          sourceNodeIds: [],
          targetNodeIds: [],
          targetKinds: [],
          maxDepth: 33,
          maxPaths: 0,
          edgeKinds: [],
        },
        snapshotId: '',
      }),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      message: expect.stringContaining(
        'INVALID_ARGUMENT: FindAttackPaths: query.max_depth: 33 is more than 32',
      ),
    });
  });

  it('answers every unary TwinService method: none is UNIMPLEMENTED any more', async () => {
    const answers = await unaryAnswers(`127.0.0.1:${running.grpcPort}`, TwinServiceService);
    expect(answers.map((a) => a.path).sort()).toEqual(
      Object.values(TwinServiceService)
        .map((m) => m.path)
        .sort(),
    );
    expect(answers.filter((a) => a.code === status.UNIMPLEMENTED)).toEqual([]);
  });

  it('reports that no method is left unbuilt', async () => {
    const gauge = running.service.metrics.getSingleMetric('omega_twin_grpc_methods_unimplemented');
    expect((await gauge?.get())?.values[0]?.value).toBe(0);
  });
});
