// Builds the honeytoken parts on the service harness: the registry on omega_tokens (audited through
// trust when this service has an identity), the canary URL listener publishing its uses, and the
// Kubernetes webhook listener and DNS canary responder when configured.
import { hostname } from 'node:os';
import { DecoyKind } from '@omega/proto';
import type { ServiceParts } from '@omega/service';
import { trustAuditClient, trustServiceClient } from '@omega/trust-client';
import type { InteractionRecorder } from '../honeypots/honeypot';
import { deceptionNode, defaultCanaryListen, parseListen } from '../deception-config';
import type { DeceptionServiceConfig } from '../deception-service';
import { honeytokenChannelRecorder } from '../interaction-filter';
import { BusInteractionRecorder } from '../interaction-recorder';
import { CANARY_DECOY_ID, CanaryEndpoint } from './canary-endpoint';
import type { DnsCanaryResponder } from './dns-canary-responder';
import { startDnsCanaries, startKubeWebhooks } from './honeytoken-channels';
import type { KubeWebhookServer } from './kube-webhook-server';
import { honeytokenMetrics } from './honeytoken-metrics';
import { HONEYTOKENS_BUCKET } from './honeytoken-record';
import { HoneytokenRegistry } from './honeytoken-registry';
import { kubeSecretPlanter } from './secret-planter';
import { hostFilePlanter } from './file-planter';
import { listenFileUses } from './file-use-listener';

export interface Honeytokens {
  readonly registry: HoneytokenRegistry;
  readonly canary: CanaryEndpoint;
  readonly kubeWebhooks?: KubeWebhookServer;
  readonly dns?: DnsCanaryResponder;
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
  // Both exist only once the listener is bound (the OS may pick its port); uses arrive after.
  const bound: {
    canary?: CanaryEndpoint;
    recorder?: InteractionRecorder;
    dns?: DnsCanaryResponder;
  } = {};
  const self = () => {
    if (identity === undefined) return { id: service.name, keyId: '' };
    const { subject, signer } = identity.current();
    return { id: subject, keyId: signer.keyId };
  };
  const registry = await HoneytokenRegistry.open({
    kv: await bus.kv(HONEYTOKENS_BUCKET),
    ...(trust !== undefined ? { audit: trustAuditClient(trust) } : {}),
    self,
    settings: config.honeytokens,
    canaryBaseUrl: () => config.canaryBaseUrl ?? bound.canary?.url(),
    dnsZone: () => (bound.dns === undefined ? undefined : config.dns?.zone),
    ...(config.kubernetes.plant
      ? {
          planter: kubeSecretPlanter({
            ...(config.kubernetes.apiServerUrl
              ? { apiServerUrl: config.kubernetes.apiServerUrl }
              : {}),
            ...(config.kubernetes.tokenPath ? { tokenPath: config.kubernetes.tokenPath } : {}),
            ...(config.kubernetes.caPath ? { caPath: config.kubernetes.caPath } : {}),
          }),
        }
      : {}),
    ...(config.files.plantRoots.length > 0
      ? {
          filePlanter: hostFilePlanter({
            policy: await bus.kv('omega_policy'),
            node: deceptionNode(),
            roots: config.files.plantRoots,
            self: () => self().id,
          }),
        }
      : {}),
    logger: service.logger,
    onUnreadable: () => metrics.unreadableRecords.inc(),
  });
  service.onShutdown('honeytoken registry', () => registry.stop());
  const stopFileUses = listenFileUses({
    bus,
    fileUse: (id) => registry.fileUse(id),
    logger: service.logger,
  });
  service.onShutdown('honeytoken file uses', async () => stopFileUses());
  const canary = await CanaryEndpoint.start({
    listen: parseListen(config.canaryListen ?? defaultCanaryListen(service.config.grpc.port)),
    canaryUse: (path) => registry.canaryUse(path),
    recorder: { record: (interaction) => bound.recorder?.record(interaction) },
    onRequest: (outcome) => metrics.canaryRequests.inc({ outcome }),
  });
  bound.canary = canary;
  bound.recorder = honeytokenChannelRecorder(
    new BusInteractionRecorder({
      bus,
      decoyId: CANARY_DECOY_ID,
      decoyKind: DecoyKind.DECOY_KIND_UNSPECIFIED,
      address: { ip: canary.host, port: canary.port },
      node: hostname(),
      logger: service.logger,
      published: metrics.canaryEventsPublished,
      dropped: metrics.canaryEventsDropped,
    }),
    'canary URL listener',
    (id) => registry.get(id),
  );
  service.onShutdown('canary listener', () => canary.close());
  if (config.canaryBaseUrl === undefined && (canary.host === '0.0.0.0' || canary.host === '::')) {
    service.logger.warn(
      { canary: canary.url() },
      `canary URLs are minted under ${canary.url()}, which names no reachable host: set deception.canaryBaseUrl to the address people reach the listener at`,
    );
  }
  service.logger.info(
    { canary: canary.url(), canaryBaseUrl: config.canaryBaseUrl ?? canary.url() },
    `canary URL listener on ${canary.url()}`,
  );
  const context = { bus, registry, metrics, logger: service.logger };
  const webhookConfig = config.kubernetes.webhook;
  const kubeWebhooks =
    webhookConfig === undefined ? undefined : await startKubeWebhooks(context, webhookConfig);
  if (kubeWebhooks !== undefined) {
    service.onShutdown('Kubernetes webhook listener', () => kubeWebhooks.close());
  }
  if (config.dns !== undefined) {
    const dns = await startDnsCanaries(context, config.dns);
    service.onShutdown('DNS canary responder', () => dns.close());
    bound.dns = dns;
  }
  return {
    registry,
    canary,
    ...(kubeWebhooks !== undefined ? { kubeWebhooks } : {}),
    ...(bound.dns !== undefined ? { dns: bound.dns } : {}),
  };
}
