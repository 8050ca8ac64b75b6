// What the workloads of a namespace have in common, read from their Deployments and Services: the
// naming pattern, the label and annotation keys most of them carry, their selector keys, port
// naming and resource shapes. Pure: the decoy manifests copy from it so a decoy looks like a sibling.
import type {
  V1Container,
  V1Deployment,
  V1PodSpec,
  V1Service,
} from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

/** Keys Kubernetes or a tool writes for one object only: never copied to a decoy. */
const PER_OBJECT_KEYS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'pod-template-hash',
  'kubectl.kubernetes.io/restartedAt',
]);

/** Label keys whose value names the workload itself: a decoy gets its own name there. */
const NAME_KEYS = new Set(['app', 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'name']);

/** The value most of `values` hold (first seen wins a tie), or undefined for none. */
export function mostCommon<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  let best: T | undefined;
  let bestCount = 0;
  for (const value of values) {
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/** Keys present on at least half of `maps` (and on at least one), in first-seen order. */
export function commonKeys(
  maps: ReadonlyArray<Readonly<Record<string, string>> | undefined>,
): string[] {
  const counts = new Map<string, number>();
  for (const map of maps)
    for (const key of Object.keys(map ?? {})) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts]
    .filter(([key, count]) => count * 2 >= maps.length && !PER_OBJECT_KEYS.has(key))
    .map(([key]) => key);
}

/**
 * The values a decoy named `name` gets for `keys`, copied from `maps`: a key whose value is each
 * workload's own name gets `name`; any other key the value most of them hold.
 */
export function copiedValues(
  keys: readonly string[],
  maps: ReadonlyArray<{ name: string; values: Readonly<Record<string, string>> | undefined }>,
  name: string,
): Record<string, string> {
  const copied: Record<string, string> = {};
  for (const key of keys) {
    const present = maps.filter((m) => m.values?.[key] !== undefined);
    const values = present.map((m) => m.values![key]!);
    const namesItself =
      present.filter((m) => m.values?.[key] === m.name).length * 2 > present.length;
    const shared = new Set(values).size === 1;
    copied[key] =
      namesItself || (!shared && NAME_KEYS.has(key)) ? name : (mostCommon(values) ?? '');
  }
  return copied;
}

/** How the namespace names its workloads: a shared first and last word, if most share one. */
export interface NamingPattern {
  readonly prefix?: string;
  readonly suffix?: string;
}

export function namingPattern(names: readonly string[]): NamingPattern {
  const words = names.map((n) => n.split('-')).filter((w) => w.length >= 2);
  if (words.length === 0 || words.length * 2 < names.length) return {};
  const share = (pick: (w: string[]) => string): string | undefined => {
    const common = mostCommon(words.map(pick));
    return common !== undefined && words.filter((w) => pick(w) === common).length * 2 > words.length
      ? common
      : undefined;
  };
  const prefix = share((w) => w[0]!);
  const suffix = share((w) => w[w.length - 1]!);
  return { ...(prefix ? { prefix } : {}), ...(suffix && suffix !== prefix ? { suffix } : {}) };
}

/** One workload as the decoy may copy it: its Deployment, first container and the Service before it. */
export interface Neighbour {
  readonly name: string;
  readonly deployment: V1Deployment;
  readonly container: V1Container | undefined;
  readonly podSpec: V1PodSpec | undefined;
  readonly service: V1Service | undefined;
}

/** Pairs each Deployment with the Service whose selector matches its pods (if any). */
export function neighbours(
  deployments: readonly V1Deployment[],
  services: readonly V1Service[],
): Neighbour[] {
  return deployments
    .filter((d) => d.metadata?.name)
    .map((deployment) => {
      const podLabels = deployment.spec?.template?.metadata?.labels ?? {};
      const service = services.find((s) => {
        const selector = Object.entries(s.spec?.selector ?? {});
        return selector.length > 0 && selector.every(([k, v]) => podLabels[k] === v);
      });
      return {
        name: deployment.metadata!.name!,
        deployment,
        container: deployment.spec?.template?.spec?.containers?.[0],
        podSpec: deployment.spec?.template?.spec,
        service,
      };
    });
}

/** The neighbour most like a decoy on `port`: one serving that port, else the first with a Service. */
export function mostSimilar(all: readonly Neighbour[], port: number): Neighbour | undefined {
  return (
    all.find((n) => n.service?.spec?.ports?.some((p) => p.port === port)) ??
    all.find((n) => n.container?.ports?.some((p) => p.containerPort === port)) ??
    all.find((n) => n.service !== undefined) ??
    all[0]
  );
}
