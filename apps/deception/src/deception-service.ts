// Builds the deception service's parts on a running service harness: its metrics, the honeytokens
// (registry and canary URL listener) and gRPC handlers (main.ts and the specs share it).
import { hostname } from 'node:os';
import type { ResourceSelection } from '@omega/bus';
import { DeceptionServiceService } from '@omega/proto';
import { baseConfigSchema, implementService } from '@omega/runtime';
import type { ServiceParts } from '@omega/service';
import { trustAuditClient, trustServiceClient } from '@omega/trust-client';
import type { z } from 'zod';
import { deceptionConfigSchema } from './deception-config';
import { deceptionGrpcHandlers } from './deception-grpc';
import { deceptionMetrics, type DeceptionMetrics } from './deception-metrics';
import { DECOYS_BUCKET, DecoyHost } from './decoys/decoy-host';
import { HONEYPOTS } from './honeypots/honeypots';
import { startHoneytokens } from './honeytokens/honeytoken-service';
import { IgnoreList } from './ignore-list';
import { InteractionAudit } from './interaction-audit';
import { filteredFactories } from './interaction-filter';
import { InteractionReader } from './interaction-query';

export const deceptionServiceConfigSchema = baseConfigSchema.extend({
  deception: deceptionConfigSchema,
});
export type DeceptionServiceConfig = z.output<typeof deceptionServiceConfigSchema>;

export const DECEPTION_RESOURCES: ResourceSelection = {
  streams: ['DECEPTION', 'DLQ'],
  kv: ['omega_decoys', 'omega_tokens'],
};

export async function buildDeception(parts: ServiceParts<DeceptionServiceConfig>): Promise<void> {
  const { service } = parts;
  const honeytokens = await startHoneytokens(parts);
  const metrics = deceptionMetrics(service.metrics);
  const factories = filteredFactories(HONEYPOTS, {
    ignore: new IgnoreList(service.config.deception.ignore),
    onIgnored: (reason) => metrics.interactionsIgnored.inc({ reason }),
    honeytoken: (id) => honeytokens.registry.get(id),
  });
  const decoys = new DecoyHost({
    bus: parts.bus,
    kv: await parts.bus.kv(DECOYS_BUCKET),
    factories,
    listenHost: service.config.deception.decoys.listenHost,
    node: (process.env['NODE_NAME'] ?? hostname()).replace(/[.*>\s]/g, '-'),
    credentials: honeytokens.registry.credentialCheck,
    nativePasswordCheck: honeytokens.registry.nativePasswordCheck,
    logger: service.logger,
  });
  service.onShutdown('decoys', async () => decoys.stop());
  await decoys.restore();
  const handlers = deceptionGrpcHandlers({
    honeytokens: honeytokens.registry,
    decoys,
    interactions: new InteractionReader(parts.bus),
  });
  const unbuilt = Object.keys(DeceptionServiceService).filter((method) => !(method in handlers));
  metrics.unimplementedMethods.set(unbuilt.length);
  await startInteractionAudit(parts, metrics);
  service.addGrpcService(
    DeceptionServiceService,
    implementService(DeceptionServiceService, handlers, service.handlerOptions),
  );
}

/** Appends alert-capable interactions to trust's audit log, when this service has an identity. */
async function startInteractionAudit(
  { service, bus, identity, clientCredentials }: ServiceParts<DeceptionServiceConfig>,
  metrics: DeceptionMetrics,
): Promise<void> {
  const config = service.config.deception;
  if (!config.auditInteractions.enabled) return;
  if (identity === undefined) {
    service.logger.warn(
      'interactions are not audited: this service has no identity (enrollment off)',
    );
    return;
  }
  const trust = trustServiceClient(
    config.trustAddress ?? service.config.enrollment.trustAddress,
    clientCredentials('trust'),
  );
  const audit = new InteractionAudit({
    bus,
    audit: trustAuditClient(trust),
    self: () => {
      const { subject, signer } = identity.current();
      return { id: subject, keyId: signer.keyId };
    },
    maxEntriesPerMinute: config.auditInteractions.maxEntriesPerMinute,
    logger: service.logger,
    onAudited: (how, count) => metrics.interactionsAudited.inc({ how }, count),
    onFailure: () => metrics.interactionAuditFailures.inc(),
  });
  await audit.start();
  service.onShutdown('interaction audit', async () => {
    await audit.stop();
    trust.close();
  });
}
