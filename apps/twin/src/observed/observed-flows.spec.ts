// Flows into NETWORK_OBSERVED edges: addresses to pods (by address, then the workload the sentinel
// named, else `external`), counts and last seen per edge, only network events, and a bound that
// drops the least recently seen edge first.
import { Event, EventBatch, IpProtocol } from '@omega/proto';
import { ObservedFlows } from './observed-flows';

const PODS: Record<string, string> = {
  '10.0.0.1': 'pod/shop/web',
  '10.0.0.2': 'pod/shop/db',
};
const resolve = (address: string) => PODS[address];

const flow = (src: string, dst: string, port: number, sec: number, workload?: object) =>
  Event.fromPartial({
    timeNs: BigInt(sec) * 1_000_000_000n,
    srcEndpoint: { ip: src },
    dstEndpoint: { ip: dst, port, ...(workload ? { workload } : {}) },
    payload: { $case: 'networkActivity', value: { protocol: IpProtocol.IP_PROTOCOL_TCP } },
  });

const summary = (flows: ObservedFlows) =>
  flows
    .edges()
    .map(
      (e) =>
        `${e.fromNodeId} -> ${e.toNodeId}:${e.port} ×${e.observedCount} @${e.lastObservedTimeNs / 1_000_000_000n}`,
    );

it('maps addresses to pods, else the named workload, else external, and counts each edge', () => {
  const flows = new ObservedFlows(10);
  const batch = EventBatch.fromPartial({
    events: [
      flow('10.0.0.1', '10.0.0.2', 5432, 5),
      flow('10.0.0.1', '10.0.0.2', 5432, 3),
      flow('198.51.100.7', '10.0.0.1', 443, 4),
      flow('10.0.0.2', '10.9.9.9', 8080, 6, { namespace: 'ops', pod: 'metrics-0' }),
      Event.fromPartial({ payload: { $case: 'processActivity', value: {} } }),
    ],
  });
  expect(flows.recordBatch(batch, resolve)).toBe(4);
  expect(summary(flows)).toEqual([
    'external -> pod/shop/web:443 ×1 @4',
    'pod/shop/db -> pod/ops/metrics-0:8080 ×1 @6',
    'pod/shop/web -> pod/shop/db:5432 ×2 @5',
  ]);
});

it('keeps at most maxFlows edges, dropping the least recently seen', () => {
  const flows = new ObservedFlows(2);
  flows.recordEvent(flow('10.0.0.1', '10.0.0.2', 1, 10), resolve);
  flows.recordEvent(flow('10.0.0.1', '10.0.0.2', 2, 20), resolve);
  flows.recordEvent(flow('10.0.0.1', '10.0.0.2', 1, 30), resolve);
  flows.recordEvent(flow('10.0.0.1', '10.0.0.2', 3, 40), resolve);
  expect(summary(flows)).toEqual([
    'pod/shop/web -> pod/shop/db:1 ×2 @30',
    'pod/shop/web -> pod/shop/db:3 ×1 @40',
  ]);
});
