// NetworkPolicy reachability between pods for the attack graph's NETWORK_REACH edges, decided by
// libs/netpol (every NetworkPolicy v1 rule) over the Namespaces, Pods and NetworkPolicies the twin
// holds. The compiled policies are rebuilt lazily after one of those changes, before the graph
// asks again. A pod netpol cannot place (its namespace not seen yet, a field it refuses) reaches
// nothing and is reached by nothing until it can.
import {
  NetworkReach,
  type KubeObject,
  type NetworkChange,
  type PodObject,
  type PodReachability,
  type PortRef,
} from '@omega/attack-graph';
import { CompiledCluster, evaluateConnection, parseCluster } from '@omega/netpol';

type Held = 'Namespace' | 'Pod' | 'NetworkPolicy';
const HELD: ReadonlySet<string> = new Set<Held>(['Namespace', 'Pod', 'NetworkPolicy']);

export class PolicyReachability {
  private readonly held = {
    Namespace: new Map<string, unknown>(),
    Pod: new Map<string, unknown>(),
    NetworkPolicy: new Map<string, unknown>(),
  };
  private compiled: { cluster: CompiledCluster; pods: Set<string> } | undefined;
  /** Objects netpol refused, by key (left out of reachability), with why. */
  readonly refused = new Map<string, string>();

  /** Reachability over exactly these objects (a snapshot's, a changed copy's). */
  static of(objects: readonly KubeObject[]): PolicyReachability {
    const reach = new PolicyReachability();
    for (const object of objects) reach.set(object.kind, keyOf(object), object);
    return reach;
  }

  /**
   * What of one object change a networkReach() of these rules takes in, for ImplicitNetworkView to
   * apply in place: a Pod or NetworkPolicy counts when netpol accepts it and its Namespace is held
   * (as cluster() places them); undefined for a Namespace change, whose pods come and go with it
   * (the view then asks for a new networkReach()).
   */
  static admit(change: NetworkChange, reach: NetworkReach): NetworkChange | undefined {
    const object = change.after ?? change.before;
    if (!object || object.kind === 'Namespace') return undefined;
    const counted = (o: KubeObject | undefined) =>
      o && reach.live.hasNamespace(o.metadata.namespace ?? '') && accepted(o) ? o : undefined;
    return { before: counted(change.before), after: counted(change.after) };
  }

  /** Whether changes to `kind` change reachability. */
  static reads(kind: string): boolean {
    return HELD.has(kind);
  }

  /**
   * Holds (or, with undefined, drops) an object; other kinds are ignored. A pod or policy netpol
   * refuses is left out (and listed in `refused`), checked once here rather than at each compile.
   */
  set(kind: string, key: string, object: unknown): void {
    if (!HELD.has(kind)) return;
    const map = this.held[kind as Held];
    map.delete(key);
    this.refused.delete(key);
    this.compiled = undefined;
    if (object === undefined) return;
    const refusal = refusalOf(kind, object);
    if (refusal !== undefined) {
      this.refused.set(key, refusal);
      return;
    }
    map.set(key, object);
  }

  readonly reachability: PodReachability = (from: PodObject, to: PodObject, port: PortRef) => {
    const { cluster, pods } = this.cluster();
    const fromId = `${from.metadata.namespace}/${from.metadata.name}`;
    const toId = `${to.metadata.namespace}/${to.metadata.name}`;
    if (!pods.has(fromId) || !pods.has(toId)) return false;
    return evaluateConnection(cluster, {
      from: { pod: fromId },
      to: { pod: toId },
      port: port.port,
      protocol: port.protocol,
    }).allowed;
  };

  /** The same reachability as netpol's bit matrices (implicit network edges for path queries). */
  networkReach(): NetworkReach {
    return new NetworkReach(this.cluster().cluster, this.held.Pod.values() as Iterable<PodObject>);
  }

  private cluster(): { cluster: CompiledCluster; pods: Set<string> } {
    if (this.compiled) return this.compiled;
    const namespaces = [...this.held.Namespace.values()];
    const known = new Set(namespaces.map((n) => (n as KubeObject).metadata.name));
    const placed = (map: Map<string, unknown>) =>
      [...map.values()].filter((o) => known.has((o as KubeObject).metadata.namespace ?? ''));
    const cluster = new CompiledCluster(
      parseCluster({
        namespaces,
        pods: placed(this.held.Pod),
        networkPolicies: placed(this.held.NetworkPolicy),
      }),
    );
    this.compiled = { cluster, pods: new Set(cluster.cluster.pods.map((p) => p.id)) };
    return this.compiled;
  }
}

function keyOf(object: KubeObject): string {
  return `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** Why netpol refuses an object, or undefined when it accepts it. */
function refusalOf(kind: string, object: unknown): string | undefined {
  const namespace = { metadata: { name: (object as KubeObject).metadata.namespace ?? '' } };
  try {
    if (kind === 'Namespace') parseCluster({ namespaces: [object] });
    else if (kind === 'Pod') parseCluster({ namespaces: [namespace], pods: [object] });
    else parseCluster({ namespaces: [namespace], networkPolicies: [object] });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function accepted(object: KubeObject): boolean {
  return refusalOf(object.kind, object) === undefined;
}
