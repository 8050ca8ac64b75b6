// Builds the deception service's parts on a running service harness: its metrics, the honeytokens
// (registry and canary URL listener) and gRPC handlers (main.ts and the specs share it).
import { hostname } from 'node:os';
import type { ResourceSelection } from '@omega/bus';
import { DeceptionServiceService } from '@omega/proto';
import { baseConfigSchema, implementService } from '@omega/runtime';
import type { ServiceParts } from '@omega/service';
import type { z } from 'zod';
import { deceptionConfigSchema, parseListen } from './deception-config';
import { deceptionGrpcHandlers } from './deception-grpc';
import { deceptionMetrics } from './deception-metrics';
import { localPlacement, type DecoyPlacement } from './decoys/decoy-grpc';
import type { DecoyRelay } from './decoys/decoy-manifests';
import { DECOYS_BUCKET, DecoyHost } from './decoys/decoy-host';
import { DecoyObjects, kubeConfigFor } from './decoys/decoy-objects';
import { DecoyReconciler, decoyReconcileMetrics } from './decoys/decoy-reconcile';
import { KubeDecoys } from './decoys/kube-decoys';
import { HONEYPOTS } from './honeypots/honeypots';
import type { HoneytokenRegistry } from './honeytokens/honeytoken-registry';
import { startHoneytokens } from './honeytokens/honeytoken-service';
import { RelayedHoneypots } from './relay/relayed-honeypots';
import { startRelayListener } from './relay/relay-listener';
import { SourceTable } from './relay/source-table';

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
  const decoys =
    service.config.deception.decoys.placement === 'kubernetes'
      ? await startKubeDecoys(parts, honeytokens.registry)
      : await startLocalDecoys(parts, honeytokens.registry);
  const handlers = deceptionGrpcHandlers({ honeytokens: honeytokens.registry, decoys });
  const unbuilt = Object.keys(DeceptionServiceService).filter((method) => !(method in handlers));
  deceptionMetrics(service.metrics).unimplementedMethods.set(unbuilt.length);
  service.addGrpcService(
    DeceptionServiceService,
    implementService(DeceptionServiceService, handlers, service.handlerOptions),
  );
}

async function startLocalDecoys(
  { service, bus }: ServiceParts<DeceptionServiceConfig>,
  registry: HoneytokenRegistry,
): Promise<DecoyPlacement> {
  const decoys = new DecoyHost({
    bus,
    kv: await bus.kv(DECOYS_BUCKET),
    factories: HONEYPOTS,
    listenHost: service.config.deception.decoys.listenHost,
    node: nodeName(),
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
): Promise<DecoyPlacement> {
  const { kubernetes: connection, decoys: config } = service.config.deception;
  const k = config.kubernetes;
  const sources = new SourceTable();
  const honeypots = new RelayedHoneypots({
    bus,
    factories: HONEYPOTS,
    credentials: registry.credentialCheck,
    nativePasswordCheck: registry.nativePasswordCheck,
    sources,
    node: nodeName(),
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

function nodeName(): string {
  return (process.env['NODE_NAME'] ?? hostname()).replace(/[.*>\s]/g, '-');
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
