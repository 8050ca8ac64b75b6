// A validated cluster snapshot: the namespaces, pods, Services and policies reachability depends on,
// parsed from API objects (or a list of manifests of mixed kinds) with errors naming object and field.
import { Code, OmegaError } from '@omega/errors';
import type { z } from 'zod';
import {
  adminNetworkPolicySchema,
  baselineAdminNetworkPolicySchema,
  type AdminNetworkPolicyObject,
  type BaselineAdminNetworkPolicyObject,
} from './admin-policy-schema';
import {
  namespaceSchema,
  networkPolicySchema,
  podSchema,
  serviceSchema,
  type NetworkPolicyObject,
  type ServiceObject,
} from './cluster-schema';
import { parseAddress, type Address } from './ip-block';
import { LIMITS, type Labels, type Protocol } from './label-schema';

/** The label the API server sets on every namespace to its name (immutable since Kubernetes 1.21). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface NamedContainerPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Pod {
  /** "namespace/name" */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ips: readonly Address[];
  /** hostNetwork pods share the node's network: NetworkPolicy is not enforced on them. */
  readonly hostNetwork: boolean;
  readonly namedPorts: readonly NamedContainerPort[];
}

export interface Cluster {
  /** Namespace name → labels, the automatic kubernetes.io/metadata.name included. */
  readonly namespaces: ReadonlyMap<string, Labels>;
  readonly pods: readonly Pod[];
  readonly services: readonly ServiceObject[];
  readonly networkPolicies: readonly NetworkPolicyObject[];
  readonly adminNetworkPolicies: readonly AdminNetworkPolicyObject[];
  readonly baselineAdminNetworkPolicy: BaselineAdminNetworkPolicyObject | undefined;
}

/** API objects grouped by kind, each still unvalidated. */
export interface ClusterObjects {
  namespaces?: readonly unknown[];
  pods?: readonly unknown[];
  services?: readonly unknown[];
  networkPolicies?: readonly unknown[];
  adminNetworkPolicies?: readonly unknown[];
  baselineAdminNetworkPolicies?: readonly unknown[];
}

const KIND_FIELDS = {
  Namespace: 'namespaces',
  Pod: 'pods',
  Service: 'services',
  NetworkPolicy: 'networkPolicies',
  AdminNetworkPolicy: 'adminNetworkPolicies',
  BaselineAdminNetworkPolicy: 'baselineAdminNetworkPolicies',
} as const satisfies Record<string, keyof ClusterObjects>;

/** Sorts manifests of mixed kinds (a `kind: List` is opened) into a cluster; other kinds are refused. */
export function clusterFromManifests(manifests: readonly unknown[]): Cluster {
  const grouped: Record<keyof ClusterObjects, unknown[]> = {
    namespaces: [],
    pods: [],
    services: [],
    networkPolicies: [],
    adminNetworkPolicies: [],
    baselineAdminNetworkPolicies: [],
  };
  const visit = (manifest: unknown, where: string): void => {
    if (manifest == null) return; // an empty YAML document
    const kind = (manifest as { kind?: unknown }).kind;
    if (kind === 'List' || (typeof kind === 'string' && kind.endsWith('List'))) {
      const items = (manifest as { items?: unknown }).items;
      if (!Array.isArray(items)) {
        throw invalid(`${where}: a ${String(kind)} needs an items array`);
      }
      items.forEach((item, i) => visit(item, `${where}.items[${i}]`));
      return;
    }
    const field =
      typeof kind === 'string' ? KIND_FIELDS[kind as keyof typeof KIND_FIELDS] : undefined;
    if (field === undefined) {
      throw invalid(
        `${where}: kind ${JSON.stringify(kind)} is not one reachability depends on (${Object.keys(KIND_FIELDS).join(', ')})`,
      );
    }
    grouped[field].push(manifest);
  };
  manifests.forEach((manifest, i) => visit(manifest, `manifest[${i}]`));
  return parseCluster(grouped);
}

/** Validates every object and builds the cluster; throws InvalidArgument naming object and field. */
export function parseCluster(objects: ClusterObjects): Cluster {
  const namespaceObjects = parseAll('Namespace', namespaceSchema, objects.namespaces);
  const namespaces = new Map<string, Labels>();
  for (const ns of namespaceObjects) {
    if (namespaces.has(ns.metadata.name)) throw duplicate('Namespace', ns.metadata.name);
    namespaces.set(ns.metadata.name, {
      ...ns.metadata.labels,
      [NAMESPACE_NAME_LABEL]: ns.metadata.name,
    });
  }
  const needNamespace = (kind: string, id: string, namespace: string): void => {
    if (!namespaces.has(namespace)) {
      throw invalid(
        `${kind} ${id}: metadata.namespace: namespace '${namespace}' is not among the namespaces given (its labels decide namespaceSelectors)`,
      );
    }
  };

  const podIds = new Set<string>();
  const pods = parseAll('Pod', podSchema, objects.pods).map((pod): Pod => {
    const id = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (podIds.has(id)) throw duplicate('Pod', id);
    podIds.add(id);
    needNamespace('Pod', id, pod.metadata.namespace);
    const ipTexts = new Set<string>();
    if (pod.status?.podIP) ipTexts.add(pod.status.podIP);
    for (const { ip } of pod.status?.podIPs ?? []) ipTexts.add(ip);
    const namedPorts: NamedContainerPort[] = [];
    for (const container of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
      for (const port of container.ports ?? []) {
        if (port.name !== undefined) {
          namedPorts.push({ name: port.name, port: port.containerPort, protocol: port.protocol });
        }
      }
    }
    return {
      id,
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      labels: pod.metadata.labels ?? {},
      ips: [...ipTexts].map((text) => parseAddress(text)!),
      hostNetwork: pod.spec.hostNetwork === true,
      namedPorts,
    };
  });

  const services = parseAll('Service', serviceSchema, objects.services);
  uniqueNamespaced('Service', services, needNamespace);
  const networkPolicies = parseAll('NetworkPolicy', networkPolicySchema, objects.networkPolicies);
  uniqueNamespaced('NetworkPolicy', networkPolicies, needNamespace);
  const adminNetworkPolicies = parseAll(
    'AdminNetworkPolicy',
    adminNetworkPolicySchema,
    objects.adminNetworkPolicies,
  );
  const anpNames = new Set<string>();
  for (const anp of adminNetworkPolicies) {
    if (anpNames.has(anp.metadata.name)) throw duplicate('AdminNetworkPolicy', anp.metadata.name);
    anpNames.add(anp.metadata.name);
  }
  const baselines = parseAll(
    'BaselineAdminNetworkPolicy',
    baselineAdminNetworkPolicySchema,
    objects.baselineAdminNetworkPolicies,
  );
  if (baselines.length > 1) {
    throw invalid(
      `BaselineAdminNetworkPolicy: a cluster has at most one (named 'default'); got ${baselines.map((b) => b.metadata.name).join(', ')}`,
    );
  }
  return {
    namespaces,
    pods,
    services,
    networkPolicies,
    adminNetworkPolicies,
    baselineAdminNetworkPolicy: baselines[0],
  };
}

function parseAll<S extends z.ZodType>(
  kind: string,
  schema: S,
  objects: readonly unknown[] | undefined,
): z.output<S>[] {
  if (objects === undefined) return [];
  if (objects.length > LIMITS.objectsPerKind) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `${kind}: ${objects.length} objects, more than the ${LIMITS.objectsPerKind} allowed`,
    );
  }
  return objects.map((object, i) => {
    const result = schema.safeParse(object);
    if (result.success) return result.data;
    const issue = result.error.issues[0]!;
    const field = issue.path.length === 0 ? '(object)' : fieldPath(issue.path);
    throw invalid(`${kind} ${objectName(object, i)}: ${field}: ${issue.message}`);
  });
}

/** "spec.ingress[0].ports[1].endPort" */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** "namespace/name" or "name" as written in the object, or its position when it has none. */
function objectName(object: unknown, index: number): string {
  const meta = (object as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
  if (typeof meta?.name !== 'string') return `#${index}`;
  return typeof meta.namespace === 'string' ? `${meta.namespace}/${meta.name}` : meta.name;
}

function uniqueNamespaced(
  kind: string,
  objects: readonly { metadata: { name: string; namespace: string } }[],
  needNamespace: (kind: string, id: string, namespace: string) => void,
): void {
  const seen = new Set<string>();
  for (const { metadata } of objects) {
    const id = `${metadata.namespace}/${metadata.name}`;
    if (seen.has(id)) throw duplicate(kind, id);
    seen.add(id);
    needNamespace(kind, id, metadata.namespace);
  }
}

function duplicate(kind: string, id: string): OmegaError {
  return invalid(`${kind} ${id}: metadata.name: given twice`);
}

function invalid(message: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, message);
}
