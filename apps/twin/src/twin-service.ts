// Builds the twin service's parts on a running service harness: the cluster mirror fed by
// Kubernetes watches, the observed flows and alerts fed by the bus, the snapshot store over them,
// and the gRPC handlers reading it (main.ts and the specs share it).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ResourceSelection } from '@omega/bus';
import { TwinServiceService } from '@omega/proto';
import { baseConfigSchema, errorMessage, implementService } from '@omega/runtime';
import { BatchGate, SenderDirectory, type ServiceParts } from '@omega/service';
import { HybridVerifier, loadMlDsaBackend } from '@omega/crypto';
import type { z } from 'zod';
import { exposureHandlers } from './handlers/exposure-handlers';
import { graphHandlers } from './handlers/graph-handlers';
import { pathHandlers } from './handlers/path-handlers';
import { ClusterMirror } from './kube/cluster-mirror';
import { loadKubeConfig, runKubeWatches } from './kube/kube-watches';
import { AlertedVertices } from './observed/alerted-vertices';
import { DecoyVertices } from './observed/decoy-vertices';
import { ObservedFeeds } from './observed/observed-feeds';
import { ObservedFlows } from './observed/observed-flows';
import { SnapshotStore } from './snapshots';
import { twinConfigSchema } from './twin-config';
import { envHandlers, type GraphSource } from './env-rpc';
import { twinGrpcHandlers, type TwinHandlerFactory } from './twin-grpc';
import { whatIfHandlers } from './what-if-rpc';
import { whatIfSourceOf } from './what-if-source';
import { twinMetrics } from './twin-metrics';

export const twinServiceConfigSchema = baseConfigSchema.extend({
  twin: twinConfigSchema,
});
export type TwinServiceConfig = z.output<typeof twinServiceConfigSchema>;

export const TWIN_RESOURCES: ResourceSelection = {
  streams: ['TELEMETRY', 'ALERTS'],
  kv: ['omega_twin', 'omega_identities'],
};

/** The twin's handler factories; the merger adds what-if and the RL environment here. */
export function twinHandlerFactories(
  config: TwinServiceConfig['twin'],
  boards?: GraphSource,
): TwinHandlerFactory[] {
  return [
    graphHandlers({ maxGraphElements: config.maxGraphElements }),
    pathHandlers(config.paths),
    exposureHandlers({ ...config.paths, ...config.exposure }),
    (source) => whatIfHandlers(whatIfSourceOf(source)),
    (source) => envHandlers(boards ?? { current: () => source.snapshot().graph() }, config.env),
  ];
}

/** Whether there is an API server to follow: in a pod, a kubeconfig given, or a default one. */
function kubernetesConfigured(kubeconfigPath: string): boolean {
  if (kubeconfigPath || process.env['KUBERNETES_SERVICE_HOST'] || process.env['KUBECONFIG'])
    return true;
  return existsSync(join(homedir(), '.kube', 'config'));
}

/**
 * `boards`: what RL episodes play on, when not the twin's own graph (a spec's synthetic cluster).
 */
export async function buildTwin(
  { service, bus }: ServiceParts<TwinServiceConfig>,
  boards?: GraphSource,
): Promise<void> {
  const config = service.config.twin;
  const { logger } = service;
  const metrics = twinMetrics(service.metrics);
  const graphOptions = { maxObjects: config.kubernetes.maxObjects };
  const apiServer = kubernetesConfigured(config.kubernetes.kubeconfigPath);
  const mirror = new ClusterMirror({
    graphOptions,
    reachabilityMaxPods: config.kubernetes.reachabilityMaxPods,
    logger,
    metrics,
    setReady:
      config.kubernetes.enabled && apiServer
        ? (ready, detail) => service.setReady('kubernetes', ready, detail)
        : () => undefined,
  });
  if (config.kubernetes.enabled && apiServer) {
    const { kubernetes: k } = config;
    const stop = new AbortController();
    const kubeConfig = await loadKubeConfig(k.kubeconfigPath);
    const watches = runKubeWatches(kubeConfig, mirror, k, stop.signal).catch((err: unknown) =>
      logger.error(
        { err: errorMessage(err) },
        `twin: Kubernetes watches stopped: ${errorMessage(err)}`,
      ),
    );
    service.onShutdown('kubernetes watches', async () => {
      stop.abort();
      await watches;
    });
  } else {
    const why = config.kubernetes.enabled
      ? 'no Kubernetes API server is configured (not in a pod, no twin.kubernetes.kubeconfigPath, no $KUBECONFIG or ~/.kube/config)'
      : 'twin.kubernetes.enabled is false';
    logger.warn(`twin: ${why}: the cluster graph stays empty`);
  }

  const flows = new ObservedFlows(config.observed.maxFlows);
  const alerts = new AlertedVertices(config.observed.maxAlerts);
  const resolve = (address: string) => mirror.podAt(address);
  if (config.observed.enabled) {
    if (config.observed.signatures !== 'require') {
      logger.warn(
        { signatures: config.observed.signatures },
        'twin: telemetry batches without a signature are admitted (twin.observed.signatures); use require in production',
      );
    }
    const gate = new BatchGate({
      policy: config.observed.signatures,
      directory: new SenderDirectory(await bus.kv('omega_identities'), {
        cacheMs: config.observed.senderCacheMs,
      }),
      verifier: new HybridVerifier(await loadMlDsaBackend()),
      maxAgeMs: config.observed.maxBatchAgeMs,
      maxSkewMs: config.observed.maxClockSkewMs,
      counter: metrics.batches,
    });
    const feeds = new ObservedFeeds({
      bus,
      kv: await bus.kv('omega_twin'),
      flows,
      alerts,
      resolve,
      gate,
      logger,
      metrics,
      flushIntervalMs: config.observed.flushIntervalMs,
      alertTtlMs: config.observed.alertTtlMs,
    });
    await feeds.start();
    service.onShutdown('observed feeds', () => feeds.stop());
  }
  const decoys = new DecoyVertices(config.observed.maxDecoys, logger);
  if (config.observed.enabled) {
    const following = decoys.follow(() => bus.kv('omega_decoys'), config.observed.decoysRetryMs);
    service.onShutdown('decoys watch', async () => {
      decoys.stop();
      await following;
    });
  }

  const snapshots = new SnapshotStore(
    {
      graphStamp: () => mirror.graphStamp(),
      observedStamp: () => `${flows.records.version}.${alerts.records.version}.${decoys.version}`,
      graph: () => mirror.graph(),
      objects: () => mirror.objectList(),
      observedFlows: () => flows.edges(),
      alertedNodeIds: () => alerts.alerted(),
      decoys: () => decoys.vertices(),
    },
    {
      ...config.snapshots,
      graphOptions,
      drawsNetworkEdges: () => mirror.drawsNetworkEdges,
      implicitNetwork: () => mirror.implicitNetwork,
    },
  );
  const handlers = twinGrpcHandlers(snapshots, twinHandlerFactories(config, boards));
  const unbuilt = Object.keys(TwinServiceService).filter((method) => !(method in handlers));
  metrics.unimplementedMethods.set(unbuilt.length);
  service.addGrpcService(
    TwinServiceService,
    implementService(TwinServiceService, handlers, service.handlerOptions),
  );
}
