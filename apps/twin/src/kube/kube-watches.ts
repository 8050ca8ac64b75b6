// Starts one list-and-watch per kind the attack graph reads, all feeding the cluster mirror, with
// the credentials of a kubeconfig file or, without one, the pod's service account (in-cluster).
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { importEsmOnce } from '@omega/runtime';
import type { ClusterMirror } from './cluster-mirror';
import { KindWatch, type KindWatchLimits } from './kind-watch';
import { WATCHED_KINDS } from './watched-kinds';

type KubernetesClient = typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});

/** `kubeconfigPath`, or (empty) the in-cluster service account, else $KUBECONFIG / ~/.kube/config. */
export async function loadKubeConfig(kubeconfigPath: string): Promise<KubeConfig> {
  const k8s = await importEsmOnce<KubernetesClient>('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
  else config.loadFromDefault();
  return config;
}

/** Runs every watch until `signal` aborts; resolves when all have stopped. */
export function runKubeWatches(
  kubeConfig: KubeConfig,
  mirror: ClusterMirror,
  limits: KindWatchLimits,
  signal: AbortSignal,
): Promise<void> {
  return Promise.all(
    WATCHED_KINDS.map((kind) => new KindWatch(kubeConfig, kind, limits, mirror, signal).run()),
  ).then(() => undefined);
}
