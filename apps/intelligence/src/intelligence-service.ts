// Builds the intelligence service's parts on a running service harness: the rule catalog, the
// telemetry pipeline and the gRPC handlers (main.ts and the specs share it).
import type { ResourceSelection } from '@omega/bus';
import { HybridVerifier, loadMlDsaBackend } from '@omega/crypto';
import { DetectorSet } from '@omega/detect';
import { IntelligenceServiceService, type Alert } from '@omega/proto';
import { trustAuditClient, trustServiceClient } from '@omega/trust-client';
import { baseConfigSchema, implementService, type Logger } from '@omega/runtime';
import { BatchGate, SenderDirectory, type ServiceParts } from '@omega/service';
import type { z } from 'zod';
import { AlertAudit } from './alert-audit';
import { AlertStore, type UnreadableAlert } from './alert-store';
import { AlertSuppression } from './alert-suppression';
import { CustomRuleDirectories } from './custom-rule-directories';
import { intelligenceConfigSchema } from './intelligence-config';
import { intelligenceGrpcHandlers } from './intelligence-grpc';
import { intelligenceMetrics, type IntelligenceMetrics } from './intelligence-metrics';
import { IncidentCorrelator } from './incident-correlator';
import { LuaRuntime } from './lua/lua-sandbox';
import { compileOrThrow, readRuleDirectory } from './rule-catalog';
import { RuleRegistry } from './rule-registry';
import { TelemetryPipeline } from './telemetry-pipeline';
import { boundTestRulesEvents } from './test-rules';
import { AlertOutputs } from './outputs/alert-outputs';

export const intelligenceServiceConfigSchema = baseConfigSchema.extend({
  intelligence: intelligenceConfigSchema,
});
export type IntelligenceServiceConfig = z.output<typeof intelligenceServiceConfigSchema>;

export const INTELLIGENCE_RESOURCES: ResourceSelection = {
  streams: ['TELEMETRY', 'ALERTS', 'DECEPTION', 'DLQ'],
  kv: ['omega_identities', 'omega_policy'],
};

export async function buildIntelligence({
  service,
  bus,
  identity,
  clientCredentials,
}: ServiceParts<IntelligenceServiceConfig>): Promise<void> {
  const config = service.config.intelligence;
  const pack = compileOrThrow(
    await readRuleDirectory(config.rulesDir),
    `rule pack ${config.rulesDir}`,
  );
  service.logger.info(
    { rulesDir: config.rulesDir, rules: pack.length },
    `loaded ${pack.length} Sigma rules`,
  );
  const metrics = intelligenceMetrics(service.metrics);
  if (config.signatures !== 'require') {
    service.logger.warn(
      { signatures: config.signatures },
      'telemetry batches without a signature are admitted (intelligence.signatures); use require in production',
    );
  }
  const gate = new BatchGate({
    policy: config.signatures,
    directory: new SenderDirectory(await bus.kv('omega_identities'), {
      cacheMs: config.senderCacheMs,
    }),
    verifier: new HybridVerifier(await loadMlDsaBackend()),
    maxAgeMs: config.maxBatchAgeMs,
    maxSkewMs: config.maxClockSkewMs,
    counter: metrics.batches,
  });
  const trust = config.auditAlerts
    ? trustServiceClient(
        config.trustAddress ?? service.config.enrollment.trustAddress,
        clientCredentials('trust'),
      )
    : undefined;
  // With an identity, audit entries name this service (and its current key) as their actor.
  const actor = identity ? () => identity.current() : undefined;
  const auditLog = trust ? trustAuditClient(trust) : undefined;
  const rules = await RuleRegistry.open({
    pack,
    kv: await bus.kv('omega_policy'),
    logger: service.logger,
    // Entries name the verified requester, or this service when nobody was verified.
    self: () => {
      if (!identity) return { id: service.name, keyId: '' };
      const { subject, signer } = identity.current();
      return { id: subject, keyId: signer.keyId };
    },
    rejected: metrics.policyEntriesRejected,
    lua: { runtime: await LuaRuntime.load(), limits: config.lua, faults: metrics.luaFaults },
    ...(auditLog ? { audit: (entry, requestId) => auditLog.append(entry, { requestId }) } : {}),
  });
  service.onShutdown('rule registry', async () => rules.stop());
  if (config.customRulesDirs.length > 0) {
    const directories = await CustomRuleDirectories.open({
      dirs: config.customRulesDirs,
      apply: (loaded) => rules.setDirectoryRules(loaded),
      logger: service.logger,
      metrics,
    });
    service.onShutdown('rule directories', async () => directories.stop());
  }
  const pipeline = new TelemetryPipeline({
    bus,
    gate,
    rules,
    detectors: new DetectorSet(),
    suppression: new AlertSuppression({ windowMs: config.suppressionWindowMs }),
    incidents: new IncidentCorrelator({ gapMs: config.incidentGapMs }),
    metrics,
    logger: service.logger,
    maxDeliver: config.maxDeliver,
    partition: { index: config.partition, count: config.partitions },
  });
  await pipeline.start();
  service.onShutdown('telemetry pipeline', () => pipeline.stop());
  let audit: AlertAudit | undefined;
  if (trust && auditLog) {
    audit = new AlertAudit({
      bus,
      audit: auditLog,
      counter: metrics.auditAppends,
      logger: service.logger,
      ...(actor ? { actor } : {}),
    });
    await audit.start();
    service.onShutdown('alert audit', async () => {
      await audit!.stop();
      trust.close();
    });
  }
  const outputs = new AlertOutputs({
    bus,
    outputs: config.outputs,
    maxAlertAgeMs: config.outputMaxAlertAgeMs,
    registry: service.metrics,
    logger: service.logger,
  });
  await outputs.start();
  service.onShutdown('alert outputs', () => outputs.stop());
  service.addGrpcService(
    boundTestRulesEvents(IntelligenceServiceService),
    implementService(
      IntelligenceServiceService,
      intelligenceGrpcHandlers({
        bus,
        store: new AlertStore(bus, {
          onUnreadable: reportUnreadableAlert(metrics, service.logger),
        }),
        rules,
        logger: service.logger,
        ...(audit ? { annotate: (alert: Alert) => audit.annotate(alert) } : {}),
      }),
      service.handlerOptions,
    ),
  );
}

/** Counts every skip of an unreadable ALERTS message and logs each message once (up to 10,000). */
function reportUnreadableAlert(
  metrics: IntelligenceMetrics,
  logger: Logger,
): (unreadable: UnreadableAlert) => void {
  const logged = new Set<number>();
  return ({ seq, subject, reason }) => {
    metrics.unreadableAlerts.inc();
    if (logged.has(seq) || logged.size >= 10_000) return;
    logged.add(seq);
    logger.warn(
      { stream: 'ALERTS', seq, subject, reason },
      `ALERTS message ${seq} (${subject}) is not an alert and is skipped by every read: ${reason}`,
    );
  };
}
