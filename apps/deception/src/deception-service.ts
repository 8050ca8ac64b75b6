// Builds the deception service's parts on a running service harness: its metrics, the honeytokens
// (registry and canary URL listener) and gRPC handlers (main.ts and the specs share it).
import { hostname } from 'node:os';
import type { ResourceSelection } from '@omega/bus';
import { DeceptionServiceService } from '@omega/proto';
import { baseConfigSchema, implementService } from '@omega/runtime';
import type { ServiceParts } from '@omega/service';
import type { z } from 'zod';
import { deceptionConfigSchema } from './deception-config';
import { deceptionGrpcHandlers } from './deception-grpc';
import { deceptionMetrics } from './deception-metrics';
import { DECOYS_BUCKET, DecoyHost } from './decoys/decoy-host';
import { HONEYPOTS } from './honeypots/honeypots';
import { startHoneytokens } from './honeytokens/honeytoken-service';
import { IgnoreList } from './ignore-list';
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
  service.addGrpcService(
    DeceptionServiceService,
    implementService(DeceptionServiceService, handlers, service.handlerOptions),
  );
}
