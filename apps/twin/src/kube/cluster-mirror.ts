// The twin's copy of the cluster: the objects the watches report, and the attack graph kept
// current from them one change at a time (built once, when every kind has been listed, then only
// `apply`). A refused object (validation, the object limit) is logged and counted and leaves the
// graph as it was; an API server that cannot be reached leaves the last good graph in place.
import {
  AttackGraph,
  validateObject,
  type AttackGraphOptions,
  type KubeKind,
  type KubeObject,
} from '@omega/attack-graph';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import type { TwinMetrics } from '../twin-metrics';
import type { KindWatchHandlers, WatchEventType } from './kind-watch';
import { PolicyReachability } from './policy-reachability';
import { podAddresses, WATCHED_KINDS, type WatchedKind } from './watched-kinds';

export interface ClusterMirrorOptions {
  /** Graph options but reachability, which the mirror keeps over the objects it holds. */
  readonly graphOptions: Omit<AttackGraphOptions, 'reachability'>;
  readonly logger: Logger;
  readonly metrics: TwinMetrics;
  /**
   * NetworkPolicy (NETWORK_REACH) edges are drawn when the cluster has at most this many pods at
   * the first build (every allowed pair and port is an edge: O(pods²)); 0 never.
   */
  readonly reachabilityMaxPods: number;
  /** Readiness of the `kubernetes` component (false with why until synced, and while failing). */
  readonly setReady: (ready: boolean, detail?: string) => void;
}

type Meta = { name?: unknown; namespace?: unknown; resourceVersion?: unknown };

function metaOf(object: unknown): Meta {
  return ((object as { metadata?: Meta } | undefined)?.metadata ?? {}) as Meta;
}

function keyOf(kind: string, object: unknown): string {
  const meta = metaOf(object);
  return `${kind}/${typeof meta.namespace === 'string' ? meta.namespace : ''}/${String(meta.name)}`;
}

function describe(kind: string, object: unknown): string {
  const meta = metaOf(object);
  const ns = typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : '';
  return `${kind} ${ns}${typeof meta.name === 'string' ? meta.name : '?'}`;
}

export class ClusterMirror implements KindWatchHandlers {
  private readonly objects = new Map<string, KubeObject>();
  private readonly podByAddress = new Map<string, string>();
  private readonly addressesOfPod = new Map<string, string[]>();
  private readonly counts = new Map<KubeKind, number>();
  private readonly listed = new Set<KubeKind>();
  private readonly failing = new Map<KubeKind, string>();
  private live: AttackGraph | undefined;
  private readonly policy = new PolicyReachability();
  private graphOptions: AttackGraphOptions;
  private builds = 0;
  private aboveCap = false;
  private lastGoodMs = 0;

  constructor(private readonly options: ClusterMirrorOptions) {
    this.graphOptions = options.graphOptions;
    options.setReady(false, 'listing Kubernetes objects');
  }

  /** The live graph (empty until every kind has been listed once). */
  graph(): AttackGraph {
    return (this.live ??= new AttackGraph(this.graphOptions));
  }

  /** Changes with every change the graph takes (and with a rebuild). */
  graphStamp(): string {
    return `${this.builds}.${this.live?.version ?? 0}`;
  }

  /** Every kind has been listed once: the graph stands for the cluster. */
  get synced(): boolean {
    return this.builds > 0;
  }

  /** The objects the graph holds. */
  objectList(): KubeObject[] {
    return [...this.objects.values()];
  }

  /** The pod (`pod/<ns>/<name>`) with this address, if the twin knows one. */
  podAt(address: string): string | undefined {
    return this.podByAddress.get(address);
  }

  onList(kind: WatchedKind, items: unknown[]): void {
    this.failing.delete(kind.kind);
    this.lastGoodMs = Date.now();
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(keyOf(kind.kind, item));
      this.upsert(kind.kind, item);
    }
    for (const [key, object] of [...this.objects]) {
      if (object.kind === kind.kind && !seen.has(key)) this.remove(kind.kind, object);
    }
    this.listed.add(kind.kind);
    if (!this.synced && this.listed.size === WATCHED_KINDS.length) this.build();
    this.report();
  }

  onEvent(kind: WatchedKind, type: WatchEventType, object: unknown): void {
    this.lastGoodMs = Date.now();
    this.options.metrics.kubeEvents.inc({ kind: kind.kind, type: type.toLowerCase() });
    if (type === 'DELETED') this.remove(kind.kind, object);
    else this.upsert(kind.kind, object);
    this.options.metrics.kubeObjects.set({ kind: kind.kind }, this.count(kind.kind));
  }

  onExpired(kind: WatchedKind): void {
    this.options.metrics.kubeRelists.inc({ kind: kind.kind });
    this.options.logger.info(
      { kind: kind.kind },
      `twin: ${kind.kind}: the API server no longer has the version watched from (410 Gone); listing again`,
    );
  }

  onError(kind: WatchedKind, error: OmegaError, retryInMs: number): void {
    this.failing.set(kind.kind, error.message);
    this.options.metrics.kubeWatchErrors.inc({ kind: kind.kind });
    this.options.logger.error(
      { kind: kind.kind, err: error.message, retryInMs, synced: this.synced },
      `twin: ${error.message}; retrying in ${retryInMs} ms${this.synced ? ', the last good graph is kept' : ''}`,
    );
    this.report();
  }

  /**
   * Whether path queries read NETWORK_REACH steps from NetworkPolicy matrices instead: the cluster
   * had more than reachabilityMaxPods pods at the first build, so none are stored.
   */
  get implicitNetwork(): boolean {
    return this.aboveCap;
  }

  /** Whether the live graph draws NetworkPolicy (NETWORK_REACH) edges. */
  get drawsNetworkEdges(): boolean {
    return this.graphOptions.reachability !== undefined;
  }

  private build(): void {
    const objects = [...this.objects.values()];
    const pods = this.count('Pod');
    const max = this.options.reachabilityMaxPods;
    if (max > 0 && pods <= max) {
      this.graphOptions = { ...this.options.graphOptions, reachability: this.policy.reachability };
    } else if (max > 0) {
      this.aboveCap = true;
      this.options.logger.info(
        { pods, reachabilityMaxPods: max },
        `twin: ${pods} pods, more than reachabilityMaxPods (${max}): NetworkPolicy (NETWORK_REACH) edges are not stored; attack path queries read them from NetworkPolicy reachability matrices`,
      );
    } else {
      this.options.logger.warn(
        { pods, reachabilityMaxPods: max },
        'twin: reachabilityMaxPods is 0: no NetworkPolicy (NETWORK_REACH) edges are drawn',
      );
    }
    this.live = AttackGraph.build(objects, this.graphOptions);
    this.builds++;
    this.options.logger.info(
      { objects: objects.length },
      `twin: the cluster graph is built from ${objects.length} objects; following changes`,
    );
  }

  private upsert(kind: KubeKind, raw: unknown): void {
    const key = keyOf(kind, raw);
    const before = this.objects.get(key);
    const version = metaOf(raw).resourceVersion;
    if (before && version && metaOf(before).resourceVersion === version) return;
    let object: KubeObject;
    try {
      object = validateObject(raw, this.options.graphOptions);
      if (!this.synced) this.checkLimit(key, object);
      this.policy.set(kind, key, object);
      if (this.synced) this.graph().apply({ type: 'upsert', object });
    } catch (err) {
      this.policy.set(kind, key, before);
      this.refuse(kind, raw, err);
      return;
    }
    this.objects.set(key, object);
    if (!before) this.counts.set(kind, this.count(kind) + 1);
    if (kind === 'Pod') this.indexPod(object, podAddresses(raw));
  }

  private remove(kind: KubeKind, raw: unknown): void {
    const key = keyOf(kind, raw);
    const object = this.objects.get(key);
    if (!object) return;
    const { name, namespace } = object.metadata;
    this.policy.set(kind, key, undefined);
    if (this.synced) this.graph().apply({ type: 'delete', kind, name, namespace });
    this.objects.delete(key);
    this.counts.set(kind, this.count(kind) - 1);
    if (kind === 'Pod') this.indexPod(object, []);
  }

  /** Before the first build the graph's object limit is checked here. */
  private checkLimit(key: string, object: KubeObject): void {
    const max = this.options.graphOptions.maxObjects;
    if (max !== undefined && this.objects.size >= max && !this.objects.has(key)) {
      throw new OmegaError(
        Code.ResourceExhausted,
        `attack graph: ${describe(object.kind, object)} refused: the graph holds ${max} objects, its limit (maxObjects)`,
      );
    }
  }

  private refuse(kind: KubeKind, raw: unknown, err: unknown): void {
    const reason = err instanceof OmegaError ? Code[err.code] : 'Internal';
    this.options.metrics.kubeRefused.inc({ kind, reason });
    this.options.logger.warn(
      { object: describe(kind, raw), reason, err: errorMessage(err) },
      `twin: ${describe(kind, raw)} refused: ${errorMessage(err)}`,
    );
  }

  private indexPod(object: KubeObject, addresses: string[]): void {
    const id = `pod/${object.metadata.namespace}/${object.metadata.name}`;
    for (const address of this.addressesOfPod.get(id) ?? []) {
      if (this.podByAddress.get(address) === id) this.podByAddress.delete(address);
    }
    if (addresses.length === 0) this.addressesOfPod.delete(id);
    else this.addressesOfPod.set(id, addresses);
    for (const address of addresses) this.podByAddress.set(address, id);
  }

  private count(kind: KubeKind): number {
    return this.counts.get(kind) ?? 0;
  }

  private report(): void {
    const { metrics, setReady } = this.options;
    for (const kind of WATCHED_KINDS)
      metrics.kubeObjects.set({ kind: kind.kind }, this.count(kind.kind));
    metrics.kubeApiReachable.set(this.failing.size === 0 ? 1 : 0);
    if (this.failing.size > 0) {
      const [kind, message] = [...this.failing][0]!;
      const kept = this.synced
        ? `; the last good graph (as of ${new Date(this.lastGoodMs).toISOString()}) is kept`
        : '';
      setReady(false, `Kubernetes API server: ${kind}: ${message}${kept}`);
    } else if (!this.synced) {
      const missing = WATCHED_KINDS.filter((k) => !this.listed.has(k.kind)).map((k) => k.kind);
      setReady(false, `listing Kubernetes objects: ${missing.join(', ')} not listed yet`);
    } else {
      setReady(true);
    }
  }
}
