// Test-only: a TelemetryPipeline on a real bus with fresh detector, suppression and incident
// state, admitting only batches signed by an enrolled sender (the production policy).
import type { Bus } from '@omega/bus';
import type { HybridVerifier } from '@omega/crypto';
import { DetectorSet } from '@omega/detect';
import { createLogger } from '@omega/runtime';
import { BatchGate, SenderDirectory } from '@omega/service';
import type { Registry } from 'prom-client';
import { AlertSuppression } from '../alert-suppression';
import { IncidentCorrelator } from '../incident-correlator';
import { intelligenceMetrics } from '../intelligence-metrics';
import type { RuleCatalog } from '../rule-catalog';
import { TelemetryPipeline } from '../telemetry-pipeline';

export async function specPipeline(
  bus: Bus,
  catalog: RuleCatalog,
  verifier: HybridVerifier,
  registry: Registry,
): Promise<TelemetryPipeline> {
  const metrics = intelligenceMetrics(registry);
  return new TelemetryPipeline({
    bus,
    gate: new BatchGate({
      policy: 'require',
      directory: new SenderDirectory(await bus.kv('omega_identities')),
      verifier,
      maxAgeMs: 3_600_000,
      maxSkewMs: 60_000,
      counter: metrics.batches,
    }),
    rules: { catalog },
    detectors: new DetectorSet(),
    incidents: new IncidentCorrelator(),
    suppression: new AlertSuppression(),
    metrics,
    logger: createLogger({ service: 'intelligence', level: 'silent' }),
  });
}
