// Builds the deception service's parts on a running service harness: its metrics, the honeytokens
// (registry and canary URL listener) and gRPC handlers (main.ts and the specs share it).
import type { ResourceSelection } from '@omega/bus';
import { DeceptionServiceService, type DecoyKind } from '@omega/proto';
import { baseConfigSchema, implementService } from '@omega/runtime';
import type { ServiceParts } from '@omega/service';
import { trustAuditClient, trustServiceClient } from '@omega/trust-client';
import type { z } from 'zod';
import { deceptionConfigSchema, deceptionNode, parseListen } from './deception-config';
import { deceptionGrpcHandlers } from './deception-grpc';
import { deceptionMetrics, type DeceptionMetrics } from './deception-metrics';
import { localPlacement, type DecoyPlacement } from './decoys/decoy-grpc';
import type { DecoyRelay } from './decoys/decoy-manifests';
import { DECOYS_BUCKET, DecoyHost } from './decoys/decoy-host';
import { DecoyObjects, kubeConfigFor } from './decoys/decoy-objects';
import { DecoyReconciler, decoyReconcileMetrics } from './decoys/decoy-reconcile';
import { KubeDecoys } from './decoys/kube-decoys';
import type { HoneypotFactory } from './honeypots/honeypot';
import { HONEYPOTS, honeypotsWith } from './honeypots/honeypots';
import { KvTlsCertificates } from './honeypots/http-tls-store';
import { KvSshHostKeys } from './honeypots/ssh-host-key-store';
import type { HoneytokenRegistry } from './honeytokens/honeytoken-registry';
import { HONEYTOKENS_BUCKET } from './honeytokens/honeytoken-record';
import { startHoneytokens } from './honeytokens/honeytoken-service';
import { HoneytokenSweep, sweepMetrics } from './honeytokens/honeytoken-sweep';
import { IgnoreList } from './ignore-list';
import { InteractionAudit } from './interaction-audit';
import { filteredFactories } from './interaction-filter';
import { InteractionReader } from './interaction-query';
import { RequestIds } from './request-ids';
import { RelayedHoneypots } from './relay/relayed-honeypots';
import { startRelayListener } from './relay/relay-listener';
import { SourceTable } from './relay/source-table';

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
  const metrics = deceptionMetrics(service.metrics);
  // Every honeypot, local or relayed, passes its interactions through the ignore list.
  // SSH host keys are kept beside their decoys, so a restart shows clients the key they know.
  const decoysKv = await parts.bus.kv(DECOYS_BUCKET);
  const sshHostKeys = new KvSshHostKeys(decoysKv);
  const tlsCertificates = new KvTlsCertificates(decoysKv);
  const factories = filteredFactories(honeypotsWith({ sshHostKeys, tlsCertificates }), {
    ignore: new IgnoreList(service.config.deception.ignore),
    onIgnored: (reason) => metrics.interactionsIgnored.inc({ reason }),
    honeytoken: (id) => honeytokens.registry.get(id),
  });
  const decoys =
    service.config.deception.decoys.placement === 'kubernetes'
      ? await startKubeDecoys(parts, honeytokens.registry, factories)
      : await startLocalDecoys(parts, honeytokens.registry, factories);
  const mintRequests = new RequestIds(await parts.bus.kv(HONEYTOKENS_BUCKET), 'MintHoneytoken');
  const deployRequests = new RequestIds(await parts.bus.kv(DECOYS_BUCKET), 'DeployDecoy');
  const { sweepIntervalMs, sweepBatch } = service.config.deception.honeytokens;
  const sweep = new HoneytokenSweep({
    registry: honeytokens.registry,
    requests: [mintRequests, deployRequests],
    batch: sweepBatch,
    metrics: sweepMetrics(service.metrics),
    logger: service.logger,
  });
  sweep.start(sweepIntervalMs);
  service.onShutdown('expiry sweep', () => sweep.stop());
  const handlers = deceptionGrpcHandlers({
    honeytokens: honeytokens.registry,
    decoys,
    interactions: new InteractionReader(parts.bus),
    mintRequests,
    deployRequests,
  });
  const unbuilt = Object.keys(DeceptionServiceService).filter((method) => !(method in handlers));
  metrics.unimplementedMethods.set(unbuilt.length);
  await startInteractionAudit(parts, metrics);
  service.addGrpcService(
    DeceptionServiceService,
    implementService(DeceptionServiceService, handlers, service.handlerOptions),
  );
}

async function startLocalDecoys(
  { service, bus }: ServiceParts<DeceptionServiceConfig>,
  registry: HoneytokenRegistry,
  factories: ReadonlyMap<DecoyKind, HoneypotFactory>,
): Promise<DecoyPlacement> {
  const decoys = new DecoyHost({
    bus,
    kv: await bus.kv(DECOYS_BUCKET),
    factories,
    listenHost: service.config.deception.decoys.listenHost,
    node: deceptionNode(),
    credentials: registry.credentialCheck,
    nativePasswordCheck: registry.nativePasswordCheck,
    logger: service.logger,
  });
  service.onShutdown('decoys', async () => decoys.stop());
  await decoys.restore();
  return localPlacement(decoys);
}

/**
 * Decoys as Kubernetes objects, reconciled on an interval against omega_decoys, each relayed to
 * its honeypot here through the relay listener.
 */
async function startKubeDecoys(
  { service, bus }: ServiceParts<DeceptionServiceConfig>,
  registry: HoneytokenRegistry,
  factories: ReadonlyMap<DecoyKind, HoneypotFactory>,
): Promise<DecoyPlacement> {
  const { kubernetes: connection, decoys: config } = service.config.deception;
  const k = config.kubernetes;
  const sources = new SourceTable();
  const honeypots = new RelayedHoneypots({
    bus,
    factories,
    credentials: registry.credentialCheck,
    nativePasswordCheck: registry.nativePasswordCheck,
    sources,
    node: deceptionNode(),
    logger: service.logger,
  });
  const listener = await startRelayListener({
    listen: parseListen(k.relayListen),
    relaySources: k.relaySources,
    honeypotPort: (route) => honeypots.portOf(route),
    sources,
    logger: service.logger,
  });
  service.onShutdown('decoy relay listener', async () => {
    await listener.close();
    await honeypots.stopAll();
  });
  const decoys = new KubeDecoys({
    kv: await bus.kv(DECOYS_BUCKET),
    objects: await DecoyObjects.open({
      kubeConfig: await kubeConfigFor(connection),
      listLimit: k.listLimit,
      requestTimeoutMs: k.requestTimeoutMs,
    }),
    relay: {
      image: k.relayImage!,
      command: k.relayCommand,
      upstream: k.relayUpstream!,
      egressPeer: relayPeer(k.relayPeer!),
      dns: !/^[0-9.]+:|^\[/.test(k.relayUpstream!),
    },
    namespaces: k.namespaces,
    kinds: new Set(HONEYPOTS.keys()),
    maxDecoys: k.maxDecoys,
    logger: service.logger,
    metrics: decoyReconcileMetrics(service.metrics),
    honeypots,
  });
  await decoys.restore();
  const reconciler = new DecoyReconciler(decoys);
  reconciler.start(k.reconcileIntervalMs);
  service.onShutdown('decoy reconcile', async () => reconciler.stop());
  return decoys;
}

/** The NetworkPolicy peer that is the deception service, as configured. */
function relayPeer(
  peer: NonNullable<DeceptionServiceConfig['deception']['decoys']['kubernetes']['relayPeer']>,
): DecoyRelay['egressPeer'] {
  if ('cidr' in peer) return { ipBlock: { cidr: peer.cidr } };
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } },
    podSelector: { matchLabels: { ...peer.podLabels } },
  };
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
