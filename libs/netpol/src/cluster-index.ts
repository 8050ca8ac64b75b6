// Indexes over a cluster's pods (by namespace, by label, by named port, by address) so that each
// selector is matched once, against the few pods that can match it, and remembered.
import type { Cluster, Pod } from './cluster';
import { ipBlockContains, type IpBlockMatcher } from './ip-block';
import type { LabelSelector, Protocol } from './label-schema';
import { isEmptySelector, matchesSelector, selectorKey } from './label-selector';
import { PodSet } from './pod-set';

export class ClusterIndex {
  readonly pods: readonly Pod[];
  readonly podIndex = new Map<string, number>();
  private readonly podsByNamespace = new Map<string, number[]>();
  /** label key → value → pods carrying it */
  private readonly podsByLabel = new Map<string, Map<string, number[]>>();
  private readonly podsByLabelKey = new Map<string, number[]>();
  private readonly podsByNamedPort = new Map<string, number[]>();
  private readonly selectionCache = new Map<string, PodSet>();
  private readonly namespaceCache = new Map<string, readonly string[]>();
  private readonly namespacePodSets = new Map<string, PodSet>();
  private readonly ipBlockCache = new Map<string, PodSet>();
  readonly all: PodSet;

  constructor(readonly cluster: Cluster) {
    this.pods = cluster.pods;
    this.all = PodSet.all(this.pods.length);
    for (const name of cluster.namespaces.keys()) this.podsByNamespace.set(name, []);
    this.pods.forEach((pod, i) => {
      this.podIndex.set(pod.id, i);
      this.podsByNamespace.get(pod.namespace)!.push(i);
      for (const [key, value] of Object.entries(pod.labels)) {
        push(this.podsByLabelKey, key, i);
        let byValue = this.podsByLabel.get(key);
        if (!byValue) this.podsByLabel.set(key, (byValue = new Map()));
        push(byValue, value, i);
      }
      for (const named of pod.namedPorts) {
        push(this.podsByNamedPort, namedPortKey(named.name, named.port, named.protocol), i);
      }
    });
  }

  get size(): number {
    return this.pods.length;
  }

  /** Names of the namespaces `selector` selects (empty selects all). */
  namespacesMatching(selector: LabelSelector): readonly string[] {
    const key = selectorKey(selector);
    let names = this.namespaceCache.get(key);
    if (!names) {
      names = [...this.cluster.namespaces]
        .filter(([, labels]) => matchesSelector(selector, labels))
        .map(([name]) => name);
      this.namespaceCache.set(key, names);
    }
    return names;
  }

  /** Every pod of one namespace. */
  namespacePods(namespace: string): PodSet {
    let set = this.namespacePodSets.get(namespace);
    if (!set) {
      set = PodSet.of(this.size, this.podsByNamespace.get(namespace) ?? []);
      this.namespacePodSets.set(namespace, set);
    }
    return set;
  }

  /** Pods in `namespaces` that `selector` selects; cached (callers must not modify the set). */
  podsMatching(selector: LabelSelector, namespaces: readonly string[]): PodSet {
    const key = `${selectorKey(selector)}|${namespaces.join('\u0000')}`;
    let set = this.selectionCache.get(key);
    if (set) return set;
    set = new PodSet(this.size);
    const inScope = new Set(namespaces);
    const candidates = this.candidates(selector);
    if (candidates) {
      for (const i of candidates) {
        const pod = this.pods[i]!;
        if (inScope.has(pod.namespace) && matchesSelector(selector, pod.labels)) set.add(i);
      }
    } else if (isEmptySelector(selector)) {
      for (const ns of namespaces) set.orInPlace(this.namespacePods(ns));
    } else {
      for (const ns of namespaces) {
        for (const i of this.podsByNamespace.get(ns) ?? []) {
          if (matchesSelector(selector, this.pods[i]!.labels)) set.add(i);
        }
      }
    }
    this.selectionCache.set(key, set);
    return set;
  }

  /** Pods with an address inside `block`. */
  podsInIpBlock(block: IpBlockMatcher): PodSet {
    const key = [block.cidr.text, ...block.except.map((e) => e.text)].join(' ');
    let set = this.ipBlockCache.get(key);
    if (!set) {
      set = new PodSet(this.size);
      for (let i = 0; i < this.pods.length; i++) {
        if (this.pods[i]!.ips.some((ip) => ipBlockContains(block, ip))) set.add(i);
      }
      this.ipBlockCache.set(key, set);
    }
    return set;
  }

  /** Pods with a container port called `name` that is `port`/`protocol`. */
  podsWithNamedPort(name: string, port: number, protocol: Protocol): readonly number[] {
    return this.podsByNamedPort.get(namedPortKey(name, port, protocol)) ?? [];
  }

  /** The smallest posting list a positive constraint of `selector` allows, or undefined if none. */
  private candidates(selector: LabelSelector): readonly number[] | undefined {
    let best: readonly number[] | undefined;
    const consider = (list: readonly number[]): void => {
      if (!best || list.length < best.length) best = list;
    };
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
      consider(this.podsByLabel.get(key)?.get(value) ?? []);
    }
    for (const req of selector.matchExpressions ?? []) {
      if (req.operator === 'Exists') consider(this.podsByLabelKey.get(req.key) ?? []);
      if (req.operator === 'In') {
        const byValue = this.podsByLabel.get(req.key);
        consider([...new Set(req.values!)].flatMap((v) => byValue?.get(v) ?? []));
      }
    }
    return best;
  }
}

function namedPortKey(name: string, port: number, protocol: Protocol): string {
  return `${name}/${port}/${protocol}`;
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
