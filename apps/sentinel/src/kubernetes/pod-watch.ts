// Watches the pods scheduled on this node (field selector spec.nodeName) through
// @kubernetes/client-node's list-watch and keeps the PodIndex current; restarts the watch after
// errors, logging them.
import { errorMessage, type Logger } from '@omega/runtime';
import { loadKubernetesClient } from './kubernetes-client';
import type { PodIndex, PodLike } from './pod-index';

export interface PodWatchOptions {
  node: string;
  index: PodIndex;
  logger: Logger;
  /** A kubeconfig file; default: in-cluster service account, else $KUBECONFIG / ~/.kube/config. */
  kubeconfig?: string;
  restartDelayMs?: number;
}

export interface PodWatch {
  stop(): Promise<void>;
}

/** Resolves once the first list is in the index. */
export async function watchNodePods(options: PodWatchOptions): Promise<PodWatch> {
  const { node, index, logger } = options;
  const k8s = await loadKubernetesClient();
  const kc = new k8s.KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const fieldSelector = `spec.nodeName=${node}`;
  const watch = new k8s.ListWatch<PodLike & { metadata?: object }>(
    '/api/v1/pods',
    new k8s.Watch(kc),
    () => api.listPodForAllNamespaces({ fieldSelector }),
    false,
    undefined,
    fieldSelector,
  );
  let stopped = false;
  watch.on('add', (pod) => index.upsert(pod));
  watch.on('update', (pod) => index.upsert(pod));
  watch.on('delete', (pod) => index.remove(pod));
  watch.on('error', (err: unknown) => {
    if (stopped) return;
    logger.warn(
      { err, node },
      `pod watch for node ${node} failed, restarting: ${errorMessage(err)}`,
    );
    setTimeout(() => {
      if (!stopped) void watch.start().catch(() => undefined); // the error handler runs again
    }, options.restartDelayMs ?? 5_000).unref();
  });
  await watch.start();
  logger.info({ node, ...index.size }, `watching the pods on node ${node}`);
  return {
    stop: async () => {
      stopped = true;
      await watch.stop();
    },
  };
}
