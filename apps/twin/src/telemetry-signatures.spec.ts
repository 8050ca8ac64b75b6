// The twin admits TELEMETRY through the same signature gate as intelligence: by default
// (twin.observed.signatures: require) a batch without a signature draws no observed flow and is
// counted as refused, so whoever can publish on the bus without a sentinel's key cannot invent
// the "legitimate" flows SimulateWhatIf weighs before an isolation. With allow-unsigned (development
// stacks) the same batch is recorded: the control that shows the refusal is the gate's doing.
import { publish } from '@omega/bus';
import { Event, EventBatch, IpProtocol } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { eventually, withNats } from '@omega/testkit';
import { startTwin } from './testing/start-twin';
import type { TwinServiceConfig } from './twin-service';

const nats = withNats({ jetstream: true });
const running: RunningService<TwinServiceConfig>[] = [];

nats.beforeStop(async () => {
  await Promise.all(running.map((r) => r.service.shutdown('test done')));
});

async function metric(twin: RunningService<TwinServiceConfig>, name: string, outcome: string) {
  const values = (await twin.service.metrics.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => v.labels['outcome'] === outcome)?.value ?? 0;
}

/** Events of admitted batches the twin read (a flow recorded or not). */
async function eventsRead(twin: RunningService<TwinServiceConfig>) {
  return (
    (await metric(twin, 'omega_twin_flow_events_total', 'recorded')) +
    (await metric(twin, 'omega_twin_flow_events_total', 'not_a_flow'))
  );
}

async function sendUnsignedFlow(twin: RunningService<TwinServiceConfig>, sequence: number) {
  await publish(
    twin.bus,
    'omega.telemetry.network.node-a',
    EventBatch,
    EventBatch.fromPartial({
      sessionId: 'forged',
      sequence: BigInt(sequence),
      events: [
        Event.fromPartial({
          id: `flow-${sequence}`,
          timeNs: 1_800_000_000_000_000_000n,
          srcEndpoint: { ip: '10.244.1.5', port: 40_000 },
          dstEndpoint: { ip: '10.244.1.6', port: 5432 },
          payload: { $case: 'networkActivity', value: { protocol: IpProtocol.IP_PROTOCOL_TCP } },
        }),
      ],
    }),
  );
}

it('refuses an unsigned TELEMETRY batch by default, and records it only when told to allow unsigned', async () => {
  const strict = await startTwin(nats.url, { OMEGA_TWIN_KUBERNETES_ENABLED: 'false' });
  running.push(strict);
  await sendUnsignedFlow(strict, 1);
  await eventually('the unsigned batch to be refused', async () =>
    (await metric(strict, 'omega_twin_batches_total', 'unsigned')) === 1 ? true : undefined,
  );
  // Refused before any of its events was read: no event counted at all.
  expect(await eventsRead(strict)).toBe(0);
  expect(await metric(strict, 'omega_twin_batches_total', 'verified')).toBe(0);
  expect(await metric(strict, 'omega_twin_batches_total', 'unsigned-admitted')).toBe(0);
  await strict.service.shutdown('strict done');
  running.pop();

  const lax = await startTwin(nats.url, {
    OMEGA_TWIN_KUBERNETES_ENABLED: 'false',
    OMEGA_TWIN_OBSERVED_SIGNATURES: 'allow-unsigned',
  });
  running.push(lax);
  await sendUnsignedFlow(lax, 2);
  await eventually('the allowed batch to be read', async () =>
    (await eventsRead(lax)) === 1 ? true : undefined,
  );
  expect(await metric(lax, 'omega_twin_batches_total', 'unsigned-admitted')).toBe(1);
  expect(await metric(lax, 'omega_twin_batches_total', 'unsigned')).toBe(0);
});
