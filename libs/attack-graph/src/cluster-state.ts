// The objects the graph was given, keyed and indexed the ways the edge producers look them up
// (pods by namespace and by node, secrets and accounts by namespace...). Updated in place.
import {
  objectKey,
  type KubeKind,
  type KubeObject,
  type KubeObjectOf,
  type PodObject,
} from './kube-objects';
import { podFacts, type PodFacts } from './pod-facts';

type Bag<T> = Map<string, Map<string, T>>;

function bagAdd<T>(bag: Bag<T>, group: string, key: string, value: T): void {
  let m = bag.get(group);
  if (!m) bag.set(group, (m = new Map()));
  m.set(key, value);
}

function bagDelete<T>(bag: Bag<T>, group: string, key: string): void {
  const m = bag.get(group);
  if (!m) return;
  m.delete(key);
  if (m.size === 0) bag.delete(group);
}

export class ClusterState {
  readonly objects = new Map<string, KubeObject>();
  /** kind → namespace → key → object. */
  private readonly byKindNs = new Map<KubeKind, Bag<KubeObject>>();
  readonly podsByNode: Bag<PodObject> = new Map();
  /** Namespaces with at least one object (or a Namespace object). */
  private readonly namespaceRefs = new Map<string, number>();
  private factsCache = new WeakMap<PodObject, PodFacts>();

  /** A copy that changes apart from this one (objects are immutable and shared). */
  clone(): ClusterState {
    const copy = new ClusterState();
    const bags = (from: Bag<unknown>, to: Bag<unknown>) => {
      for (const [group, m] of from) to.set(group, new Map(m));
    };
    for (const [k, v] of this.objects) copy.objects.set(k, v);
    for (const [kind, bag] of this.byKindNs) {
      const to: Bag<KubeObject> = new Map();
      bags(bag, to);
      copy.byKindNs.set(kind, to);
    }
    bags(this.podsByNode, copy.podsByNode);
    for (const [k, v] of this.namespaceRefs) copy.namespaceRefs.set(k, v);
    return copy;
  }

  get(kind: KubeKind, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(`${kind}/${namespace ?? ''}/${name}`);
  }

  /** Puts an object (replacing one with the same key); returns the one replaced. */
  upsert(object: KubeObject): KubeObject | undefined {
    const old = this.remove(object.kind, object.metadata.namespace, object.metadata.name);
    const key = objectKey(object);
    this.objects.set(key, object);
    const ns = object.metadata.namespace ?? '';
    let bag = this.byKindNs.get(object.kind);
    if (!bag) this.byKindNs.set(object.kind, (bag = new Map()));
    bagAdd(bag, ns, key, object);
    if (object.kind === 'ServiceAccount') this.forgetFactsOfAccount(object);
    if (object.kind === 'Pod' && object.spec.nodeName) {
      bagAdd(this.podsByNode, object.spec.nodeName, key, object);
    }
    const nsName = object.kind === 'Namespace' ? object.metadata.name : ns;
    if (nsName) this.namespaceRefs.set(nsName, (this.namespaceRefs.get(nsName) ?? 0) + 1);
    return old;
  }

  remove(kind: KubeKind, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = `${kind}/${namespace ?? ''}/${name}`;
    const old = this.objects.get(key);
    if (!old) return undefined;
    this.objects.delete(key);
    const bag = this.byKindNs.get(kind);
    if (bag) bagDelete(bag, namespace ?? '', key);
    if (old.kind === 'Pod' && old.spec.nodeName) bagDelete(this.podsByNode, old.spec.nodeName, key);
    if (old.kind === 'Pod') this.factsCache.delete(old);
    if (old.kind === 'ServiceAccount') this.forgetFactsOfAccount(old);
    const nsName = old.kind === 'Namespace' ? old.metadata.name : (namespace ?? '');
    if (nsName) {
      const n = (this.namespaceRefs.get(nsName) ?? 1) - 1;
      if (n === 0) this.namespaceRefs.delete(nsName);
      else this.namespaceRefs.set(nsName, n);
    }
    return old;
  }

  /** Objects of a kind in a namespace ('' for cluster-scoped kinds). */
  inNamespace<K extends KubeKind>(kind: K, namespace: string): Iterable<KubeObjectOf<K>> {
    const m = this.byKindNs.get(kind)?.get(namespace);
    return (m?.values() ?? []) as Iterable<KubeObjectOf<K>>;
  }

  all<K extends KubeKind>(kind: K): KubeObjectOf<K>[] {
    const bag = this.byKindNs.get(kind);
    if (!bag) return [];
    return [...bag.values()].flatMap((m) => [...m.values()]) as KubeObjectOf<K>[];
  }

  namespaces(): string[] {
    return [...this.namespaceRefs.keys()];
  }

  hasNamespace(namespace: string): boolean {
    return this.namespaceRefs.has(namespace);
  }

  nodeNames(): string[] {
    return [
      ...new Set([...this.podsByNode.keys(), ...this.all('Node').map((n) => n.metadata.name)]),
    ];
  }

  podsOnNode(node: string): Iterable<PodObject> {
    return this.podsByNode.get(node)?.values() ?? [];
  }

  /** A pod's facts (cached until the pod or its service account changes). */
  facts(pod: PodObject): PodFacts {
    let facts = this.factsCache.get(pod);
    if (!facts) {
      const sa = this.get(
        'ServiceAccount',
        pod.metadata.namespace,
        pod.spec.serviceAccountName ?? 'default',
      );
      facts = podFacts(pod, sa as KubeObjectOf<'ServiceAccount'> | undefined);
      this.factsCache.set(pod, facts);
    }
    return facts;
  }

  /** Pods of the namespace that run as the account. */
  podsOfAccount(namespace: string, account: string): PodObject[] {
    return [...this.inNamespace('Pod', namespace)].filter(
      (p) => (p.spec.serviceAccountName ?? 'default') === account,
    );
  }

  forgetFactsOfAccount(sa: KubeObject): void {
    for (const pod of this.podsOfAccount(sa.metadata.namespace ?? '', sa.metadata.name)) {
      this.factsCache.delete(pod);
    }
  }
}
