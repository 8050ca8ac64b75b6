// Builds the honeytoken parts on the service harness: the registry on omega_tokens (audited through
// trust when this service has an identity) and the canary URL listener publishing its uses.
import { hostname } from 'node:os';
import { DecoyKind } from '@omega/proto';
import type { ServiceParts } from '@omega/service';
import { trustAuditClient, trustServiceClient } from '@omega/trust-client';
import type { InteractionRecorder } from '../honeypots/honeypot';
import { parseListen } from '../deception-config';
import type { DeceptionServiceConfig } from '../deception-service';
import { BusInteractionRecorder } from '../interaction-recorder';
import { CANARY_DECOY_ID, CanaryEndpoint } from './canary-endpoint';
import { honeytokenMetrics } from './honeytoken-metrics';
import { HONEYTOKENS_BUCKET } from './honeytoken-record';
import { HoneytokenRegistry } from './honeytoken-registry';

export interface Honeytokens {
  readonly registry: HoneytokenRegistry;
  readonly canary: CanaryEndpoint;
}

export async function startHoneytokens({
  service,
  bus,
  identity,
  clientCredentials,
}: ServiceParts<DeceptionServiceConfig>): Promise<Honeytokens> {
  const config = service.config.deception;
  const metrics = honeytokenMetrics(service.metrics);
  const trust =
    identity !== undefined && config.auditHoneytokens
      ? trustServiceClient(
          config.trustAddress ?? service.config.enrollment.trustAddress,
          clientCredentials('trust'),
        )
      : undefined;
  if (trust !== undefined) service.onShutdown('trust client', async () => trust.close());
  else if (config.auditHoneytokens) {
    service.logger.warn(
      'honeytoken mints and revocations are not audited: this service has no identity (enrollment off)',
    );
  }
  let canary: CanaryEndpoint | undefined;
  const registry = await HoneytokenRegistry.open({
    kv: await bus.kv(HONEYTOKENS_BUCKET),
    ...(trust !== undefined ? { audit: trustAuditClient(trust) } : {}),
    self: () => {
      if (identity === undefined) return { id: service.name, keyId: '' };
      const { subject, signer } = identity.current();
      return { id: subject, keyId: signer.keyId };
    },
    settings: config.honeytokens,
    canaryBaseUrl: () => config.canaryBaseUrl ?? canary?.url(),
    logger: service.logger,
    onUnreadable: () => metrics.unreadableRecords.inc(),
  });
  service.onShutdown('honeytoken registry', () => registry.stop());
  // The recorder needs the bound port (the OS may pick it): uses arrive only after listen anyway.
  let recorder: InteractionRecorder | undefined;
  canary = await CanaryEndpoint.start({
    listen: parseListen(config.canaryListen),
    canaryUse: (path) => registry.canaryUse(path),
    recorder: { record: (interaction) => recorder?.record(interaction) },
    onRequest: (outcome) => metrics.canaryRequests.inc({ outcome }),
  });
  recorder = new BusInteractionRecorder({
    bus,
    decoyId: CANARY_DECOY_ID,
    decoyKind: DecoyKind.DECOY_KIND_UNSPECIFIED,
    address: { ip: canary.host, port: canary.port },
    node: hostname(),
    logger: service.logger,
    published: metrics.canaryEventsPublished,
    dropped: metrics.canaryEventsDropped,
  });
  const endpoint = canary;
  service.onShutdown('canary listener', () => endpoint.close());
  service.logger.info(
    { canary: endpoint.url(), canaryBaseUrl: config.canaryBaseUrl ?? endpoint.url() },
    `canary URL listener on ${endpoint.url()}`,
  );
  return { registry, canary: endpoint };
}
