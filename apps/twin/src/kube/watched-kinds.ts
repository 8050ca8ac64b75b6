// The twelve kinds of Kubernetes object the attack graph reads, where the API serves each, and
// how an object is trimmed before the twin keeps it: managed fields and status dropped (a pod
// keeps its addresses, to map observed flows to it), Secrets read as metadata only.
import type { KubeKind } from '@omega/attack-graph';

export interface WatchedKind {
  readonly kind: KubeKind;
  /** Collection path for every namespace, e.g. `/api/v1/pods`. */
  readonly path: string;
  /** Read as PartialObjectMetadata: the API server never sends the values. */
  readonly metadataOnly: boolean;
}

const core = (kind: KubeKind, plural: string): WatchedKind => ({
  kind,
  path: `/api/v1/${plural}`,
  metadataOnly: kind === 'Secret',
});
const group = (kind: KubeKind, apiGroup: string, plural: string): WatchedKind => ({
  kind,
  path: `/apis/${apiGroup}/v1/${plural}`,
  metadataOnly: false,
});

export const WATCHED_KINDS: readonly WatchedKind[] = [
  core('Node', 'nodes'),
  core('Namespace', 'namespaces'),
  core('Pod', 'pods'),
  core('Service', 'services'),
  core('ServiceAccount', 'serviceaccounts'),
  group('Role', 'rbac.authorization.k8s.io', 'roles'),
  group('ClusterRole', 'rbac.authorization.k8s.io', 'clusterroles'),
  group('RoleBinding', 'rbac.authorization.k8s.io', 'rolebindings'),
  group('ClusterRoleBinding', 'rbac.authorization.k8s.io', 'clusterrolebindings'),
  core('Secret', 'secrets'),
  group('Ingress', 'networking.k8s.io', 'ingresses'),
  group('NetworkPolicy', 'networking.k8s.io', 'networkpolicies'),
];

/** The service-account token secret type; its annotation names the account. */
const TOKEN_TYPE = 'kubernetes.io/service-account-token';
const TOKEN_ACCOUNT_ANNOTATION = 'kubernetes.io/service-account.name';

type Json = Record<string, unknown>;

/**
 * The object as the twin keeps it. A Secret read as metadata has no `type`: the API server refuses
 * a service-account-token Secret without the account annotation, and the token controller writes
 * it on no other, so the annotation stands for that type; any other type is unknown ('').
 */
export function trimObject(kind: WatchedKind, raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const object = raw as Json;
  const metadata = object.metadata;
  const meta =
    typeof metadata === 'object' && metadata !== null
      ? (({ managedFields: _dropped, ...rest }: Json) => rest)(metadata as Json)
      : metadata;
  if (kind.kind === 'Secret') {
    const annotations = (meta as Json | undefined)?.annotations as Json | undefined;
    const type =
      typeof object.type === 'string'
        ? object.type
        : typeof annotations?.[TOKEN_ACCOUNT_ANNOTATION] === 'string'
          ? TOKEN_TYPE
          : '';
    return { kind: 'Secret', metadata: meta, type };
  }
  const { status, ...rest } = object;
  const trimmed: Json = { ...rest, kind: kind.kind, metadata: meta };
  if (kind.kind === 'Pod' && typeof status === 'object' && status !== null) {
    const { podIP, podIPs } = status as Json;
    trimmed.status = { podIP, podIPs };
  }
  return trimmed;
}

/** The pod's addresses (status.podIP and podIPs), for mapping flows to it. */
export function podAddresses(object: unknown): string[] {
  const status = (object as { status?: { podIP?: unknown; podIPs?: unknown } }).status;
  const out = new Set<string>();
  if (typeof status?.podIP === 'string' && status.podIP) out.add(status.podIP);
  if (Array.isArray(status?.podIPs)) {
    for (const entry of status.podIPs as { ip?: unknown }[]) {
      if (typeof entry?.ip === 'string' && entry.ip) out.add(entry.ip);
    }
  }
  return [...out];
}
