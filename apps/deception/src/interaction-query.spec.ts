// ListInteractions on the deception service, a real nats-server and real gRPC: curl against an
// HTTP decoy comes back newest first, filtered by decoy, honeytoken, source and time, in pages whose
// opaque tokens are bound to their filters; bad input is INVALID_ARGUMENT naming the field.
import { publish, subjects } from '@omega/bus';
import {
  DeceptionServiceClient,
  type DeceptionServiceService,
  DecoyKind,
  Event,
  EventClass,
  InteractionKind,
  ListInteractionsRequest,
} from '@omega/proto';
import { Code, createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import { eventually, freePort, withNats } from '@omega/testkit';
import type { DeceptionServiceConfig } from './deception-service';
import { MAX_INTERACTIONS_PAGE } from './interaction-query';
import { runClient } from './testing/client-process';
import { startDeception } from './testing/start-deception';

jest.setTimeout(60_000);

const nats = withNats({ jetstream: true });
let running: RunningService<DeceptionServiceConfig>;
let client: PromiseClient<typeof DeceptionServiceService>;

beforeAll(async () => {
  running = await startDeception(nats.url);
  client = createPromiseClient(DeceptionServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await running?.service.shutdown('test done');
});

const list = (partial: Partial<ListInteractionsRequest>) =>
  client.listInteractions(ListInteractionsRequest.fromPartial(partial));

/** An interaction event as another node would publish it (time and source chosen by the spec). */
function touch(id: string, timeNs: bigint, decoyId: string, ip: string, honeytokenId = '') {
  return Event.fromPartial({
    id,
    timeNs,
    classUid: EventClass.EVENT_CLASS_DECEPTION_INTERACTION,
    srcEndpoint: { ip, port: 40000 },
    payload: {
      $case: 'deceptionInteraction',
      value: {
        kind: InteractionKind.INTERACTION_KIND_COMMAND,
        decoyId,
        decoyKind: DecoyKind.DECOY_KIND_REDIS,
        honeytokenId,
        protocol: 'redis',
        sessionId: id,
      },
    },
  });
}

describe('ListInteractions', () => {
  it("lists curl's interactions with a deployed HTTP decoy, newest first, by decoy_id and source_ip", async () => {
    const port = await freePort();
    const { decoy } = await client.deployDecoy({
      spec: {
        kind: DecoyKind.DECOY_KIND_HTTP,
        name: 'grafana',
        namespace: 'monitoring',
        port,
        labels: {},
        banner: '',
        honeytokenIds: [],
        ttlSeconds: 0,
      },
      dryRun: false,
      requestId: '',
    });
    const run = await runClient('curl', [
      '-s',
      '-o',
      '/dev/null',
      `http://127.0.0.1:${port}/login`,
    ]);
    expect(run.code).toBe(0);
    const page = await eventually('the decoy interactions, disconnect included', async () => {
      const answer = await list({ decoyId: decoy!.id });
      return answer.events.length === 3 ? answer : undefined;
    });
    const kinds = page.events.map((e) =>
      e.payload?.$case === 'deceptionInteraction' ? e.payload.value.kind : -1,
    );
    expect(kinds).toEqual([
      InteractionKind.INTERACTION_KIND_DISCONNECT,
      InteractionKind.INTERACTION_KIND_COMMAND,
      InteractionKind.INTERACTION_KIND_CONNECT,
    ]);
    expect(page.events[1]!.unmapped).toMatchObject({
      'deception.decoy_name': 'grafana',
      'deception.client': expect.stringMatching(/^curl\//),
    });
    expect((await list({ decoyId: decoy!.id, sourceIp: '127.0.0.1' })).events).toHaveLength(3);
    expect((await list({ decoyId: decoy!.id, sourceIp: '::ffff:127.0.0.1' })).events).toHaveLength(
      3,
    );
    expect((await list({ decoyId: decoy!.id, sourceIp: '10.0.0.1' })).events).toEqual([]);
  });

  it('pages newest first with a token bound to its filters, and filters by honeytoken and time', async () => {
    const decoyId = 'dc-aaaaaaaaaaaa';
    for (let i = 1; i <= 7; i++) {
      await publish(
        running.bus,
        subjects.deception(decoyId),
        Event,
        touch(`p${i}`, BigInt(i) * 1_000n, decoyId, '10.1.0.9', i % 2 === 0 ? 'ht-even' : ''),
      );
    }
    const first = await list({ decoyId, pageSize: 3 });
    expect(first.events.map((e) => e.id)).toEqual(['p7', 'p6', 'p5']);
    const second = await list({ decoyId, pageSize: 3, pageToken: first.nextPageToken });
    expect(second.events.map((e) => e.id)).toEqual(['p4', 'p3', 'p2']);
    const third = await list({ decoyId, pageSize: 3, pageToken: second.nextPageToken });
    expect(third.events.map((e) => e.id)).toEqual(['p1']);

    expect((await list({ honeytokenId: 'ht-even' })).events.map((e) => e.id)).toEqual([
      'p6',
      'p4',
      'p2',
    ]);
    expect(
      (await list({ decoyId, timeRange: { startTimeNs: 3_000n, endTimeNs: 5_000n } })).events.map(
        (e) => e.id,
      ),
    ).toEqual(['p5', 'p4', 'p3']);

    await expect(
      list({ decoyId: 'dc-bbbbbbbbbbbb', pageSize: 3, pageToken: first.nextPageToken }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining('page_token: made for other filters'),
    });
  });

  it.each([
    [{ sourceIp: '10.0.0.300' }, 'source_ip: "10.0.0.300" is not an IP address'],
    [{ decoyId: 'dc-1 OR 1=1' }, 'decoy_id: "dc-1 OR 1=1" is not an id'],
    [{ honeytokenId: 'a>b' }, 'honeytoken_id: "a>b" is not an id'],
    [
      { pageSize: MAX_INTERACTIONS_PAGE + 1 },
      `page_size: ${MAX_INTERACTIONS_PAGE + 1} is more than ${MAX_INTERACTIONS_PAGE}`,
    ],
    [{ pageToken: 'garbage' }, 'page_token: not one this service returned'],
    [
      { timeRange: { startTimeNs: 10n, endTimeNs: 5n } },
      'time_range: start_time_ns 10 is after end_time_ns 5',
    ],
  ])('refuses %j with INVALID_ARGUMENT naming the field', async (request, problem) => {
    await expect(list(request)).rejects.toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining(`ListInteractions: ${problem}`),
    });
  });
});
