// Builds the deception service's parts on a running service harness: its metrics, the honeytokens
// (registry and canary URL listener) and gRPC handlers (main.ts and the specs share it).
import type { ResourceSelection } from '@omega/bus';
import { DeceptionServiceService } from '@omega/proto';
import { baseConfigSchema, implementService } from '@omega/runtime';
import type { ServiceParts } from '@omega/service';
import type { z } from 'zod';
import { deceptionConfigSchema, deceptionNode } from './deception-config';
import { deceptionGrpcHandlers } from './deception-grpc';
import { deceptionMetrics } from './deception-metrics';
import { DECOYS_BUCKET, DecoyHost } from './decoys/decoy-host';
import { HONEYPOTS } from './honeypots/honeypots';
import { startHoneytokens } from './honeytokens/honeytoken-service';

export const deceptionServiceConfigSchema = baseConfigSchema.extend({
  deception: deceptionConfigSchema,
});
export type DeceptionServiceConfig = z.output<typeof deceptionServiceConfigSchema>;

export const DECEPTION_RESOURCES: ResourceSelection = {
  streams: ['DECEPTION', 'DLQ'],
  kv: ['omega_decoys', 'omega_tokens', 'omega_policy'],
};

export async function buildDeception(parts: ServiceParts<DeceptionServiceConfig>): Promise<void> {
  const { service } = parts;
  const honeytokens = await startHoneytokens(parts);
  const decoys = new DecoyHost({
    bus: parts.bus,
    kv: await parts.bus.kv(DECOYS_BUCKET),
    factories: HONEYPOTS,
    listenHost: service.config.deception.decoys.listenHost,
    node: deceptionNode(),
    credentials: honeytokens.registry.credentialCheck,
    nativePasswordCheck: honeytokens.registry.nativePasswordCheck,
    logger: service.logger,
  });
  service.onShutdown('decoys', async () => decoys.stop());
  await decoys.restore();
  const handlers = deceptionGrpcHandlers({ honeytokens: honeytokens.registry, decoys });
  const unbuilt = Object.keys(DeceptionServiceService).filter((method) => !(method in handlers));
  deceptionMetrics(service.metrics).unimplementedMethods.set(unbuilt.length);
  service.addGrpcService(
    DeceptionServiceService,
    implementService(DeceptionServiceService, handlers, service.handlerOptions),
  );
}
