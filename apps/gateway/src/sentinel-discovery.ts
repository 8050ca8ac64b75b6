// Finds each node's sentinel for SentinelService calls: list-watches the sentinel pods (a DaemonSet
// on the host network, so a pod's IP is its node's address) and maps spec.nodeName → podIP:port.
import { readFileSync } from 'node:fs';
import { errorMessage, importEsmOnce, type Logger } from '@omega/runtime';

type KubernetesClient = typeof import('@kubernetes/client-node', {
  with: { 'resolution-mode': 'import' },
});
type V1Pod = import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } }).V1Pod;

/** Where the pod's service-account mount keeps its namespace (every pod that automounts a token). */
export const POD_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The fields of a Kubernetes Pod discovery reads (a V1Pod from @kubernetes/client-node fits). */
export interface SentinelPodLike {
  metadata?: {
    name?: string;
    uid?: string;
    creationTimestamp?: Date | string;
    deletionTimestamp?: Date | string;
  };
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string };
}

interface SentinelPod {
  node: string;
  ip: string;
  createdMs: number;
}

/** host:port, IPv6 literals in brackets (what grpc-js dials). */
export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * The sentinel pods seen so far, by node. Pure: fed by the watch (or a spec) with Pod objects. A
 * pod counts once it has a node and an IP, until it ends or is being deleted; two pods on one node
 * (a DaemonSet rolling over) resolve to the newer.
 */
export class SentinelPods {
  private readonly pods = new Map<string, SentinelPod>();

  constructor(private readonly port: number) {}

  upsert(pod: SentinelPodLike): void {
    const key = podKey(pod);
    if (key === undefined) return;
    const node = pod.spec?.nodeName;
    const ip = pod.status?.podIP;
    const phase = pod.status?.phase;
    const ended = phase === 'Succeeded' || phase === 'Failed';
    if (!node || !ip || ended || pod.metadata?.deletionTimestamp) {
      this.pods.delete(key);
      return;
    }
    const created = pod.metadata?.creationTimestamp;
    this.pods.set(key, { node, ip, createdMs: created ? new Date(created).getTime() : 0 });
  }

  remove(pod: SentinelPodLike): void {
    const key = podKey(pod);
    if (key !== undefined) this.pods.delete(key);
  }

  /** The address of `node`'s sentinel, or undefined when no sentinel pod on it has an IP. */
  address(node: string): string | undefined {
    let newest: SentinelPod | undefined;
    for (const pod of this.pods.values()) {
      if (pod.node === node && (newest === undefined || pod.createdMs > newest.createdMs))
        newest = pod;
    }
    return newest === undefined ? undefined : hostPort(newest.ip, this.port);
  }

  /** The nodes with a sentinel, sorted. */
  nodes(): string[] {
    return [...new Set([...this.pods.values()].map(({ node }) => node))].sort();
  }
}

function podKey(pod: SentinelPodLike): string | undefined {
  return pod.metadata?.uid ?? pod.metadata?.name;
}

export interface SentinelDiscoveryOptions {
  /** Where the sentinel pods run; default: this pod's namespace (POD_NAMESPACE_FILE). */
  namespace?: string;
  /** A label selector matching the sentinel pods and nothing else. */
  labelSelector: string;
  /** The sentinels' gRPC port (on the node's address). */
  port: number;
  logger: Logger;
  /** A kubeconfig file; default: in-cluster service account, else $KUBECONFIG / ~/.kube/config. */
  kubeconfig?: string;
  /** Wait before listing again after the watch fails (default 5 s). */
  restartDelayMs?: number;
  /** A list that has not answered by then fails (and is tried again); default 10 s. */
  listTimeoutMs?: number;
}

/** One sentinel per node: Kubernetes supports clusters of up to 5,000 nodes. */
export const MAX_SENTINEL_PODS = 5_000;

/** `promise`, or a rejection naming `what` after `ms` (the watch's own requests time out at 30 s). */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Watches the sentinel pods and keeps `pods` current. Starts at once; lookups made before the
 * first list answers find no node (NOT_FOUND, naming the nodes known, none yet).
 */
export class SentinelDiscovery {
  readonly pods: SentinelPods;
  /**
   * Resolves once the first list is in `pods` (after as many retries as it takes); rejects only
   * when discovery cannot start at all (no namespace, an unreadable kubeconfig).
   */
  readonly listed: Promise<void>;
  private stopped = false;
  private stopWatch: (() => Promise<void>) | undefined;

  constructor(private readonly options: SentinelDiscoveryOptions) {
    this.pods = new SentinelPods(options.port);
    this.listed = this.start();
    this.listed.catch(() => undefined); // logged in start(); callers may await it
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.stopWatch?.();
  }

  private async start(): Promise<void> {
    const { labelSelector, logger } = this.options;
    let namespace = this.options.namespace ?? '';
    let listedNow: () => void = () => undefined;
    const firstList = new Promise<void>((resolve) => (listedNow = resolve));
    try {
      namespace ||= readPodNamespace();
      const k8s = await importEsmOnce<KubernetesClient>('@kubernetes/client-node');
      const kc = new k8s.KubeConfig();
      if (this.options.kubeconfig) kc.loadFromFile(this.options.kubeconfig);
      else kc.loadFromDefault();
      const api = kc.makeApiClient(k8s.CoreV1Api);
      const watch = new k8s.ListWatch<V1Pod>(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        new k8s.Watch(kc),
        async () => {
          const list = await withTimeout(
            api.listNamespacedPod({ namespace, labelSelector, limit: MAX_SENTINEL_PODS }),
            this.options.listTimeoutMs ?? 10_000,
            `listing pods ${labelSelector} in ${namespace}`,
          );
          if (list.metadata?._continue) {
            logger.warn(
              { namespace, labelSelector, limit: MAX_SENTINEL_PODS },
              `sentinel discovery: more than ${MAX_SENTINEL_PODS} pods match ${labelSelector} in ${namespace}; routing to the first ${MAX_SENTINEL_PODS} only`,
            );
          }
          setImmediate(listedNow); // after ListWatch has put the items in
          return list;
        },
        false,
        labelSelector,
      );
      watch.on('add', (pod) => this.pods.upsert(pod));
      watch.on('update', (pod) => this.pods.upsert(pod));
      watch.on('delete', (pod) => this.pods.remove(pod));
      // ListWatch reconnects by itself after a watch ends; after a failed list or watch it stops
      // and reports here: list again (then watch) after a pause.
      watch.on('error', (err: unknown) => {
        if (this.stopped) return;
        logger.warn(
          { err, namespace, labelSelector },
          `sentinel discovery: listing or watching pods ${labelSelector} in ${namespace} failed, again in ${this.restartDelayMs} ms: ${errorMessage(err)}`,
        );
        setTimeout(() => {
          if (!this.stopped) void watch.start().catch(() => undefined); // 'error' runs again
        }, this.restartDelayMs).unref();
      });
      this.stopWatch = () => watch.stop();
      await watch.start();
      await firstList;
      if (this.stopped) await watch.stop();
      logger.info(
        { namespace, labelSelector, nodes: this.pods.nodes() },
        `sentinel discovery: ${this.pods.nodes().length} node(s) with a sentinel in ${namespace}`,
      );
    } catch (err) {
      logger.error(
        { err, namespace, labelSelector },
        `sentinel discovery: cannot watch pods ${labelSelector} in ${namespace || '(no namespace)'}: ${errorMessage(err)}`,
      );
      throw new Error(`sentinel discovery: ${errorMessage(err)}`, { cause: err });
    }
  }

  private get restartDelayMs(): number {
    return this.options.restartDelayMs ?? 5_000;
  }
}

function readPodNamespace(): string {
  try {
    return readFileSync(POD_NAMESPACE_FILE, 'utf8').trim();
  } catch (err) {
    throw new Error(
      `sentinel discovery: no gateway.sentinelNamespace and cannot read ${POD_NAMESPACE_FILE}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}
