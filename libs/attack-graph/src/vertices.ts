// The vertex each object becomes (ids like `pod/ns/name`), with its attributes and criticality.
import type { ClusterState } from './cluster-state';
import { NODE_KIND, vertex, type Vertex } from './graph-model';
import type { KubeObject } from './kube-objects';
import { podAttributes } from './pod-facts';

/** Default criticality per kind (0..1); a crown-jewel label raises any vertex to 1. */
const CRITICALITY = {
  node: 0.8,
  secret: 0.7,
  kubeSystem: 1,
  namespace: 0.5,
  clusterAdmin: 1,
  role: 0.3,
  account: 0.3,
  identity: 0.4,
  pod: 0.2,
  other: 0.1,
} as const;

/** The vertex of an object, or undefined for kinds that only make edges (bindings, ingresses). */
export function objectVertex(state: ClusterState, object: KubeObject): Vertex | undefined {
  const { name, labels } = object.metadata;
  const ns = object.metadata.namespace ?? '';
  switch (object.kind) {
    case 'Node':
      return vertex(
        `node/${name}`,
        NODE_KIND.GRAPH_NODE_KIND_NODE,
        name,
        '',
        labels,
        {},
        CRITICALITY.node,
      );
    case 'Namespace':
      return vertex(
        `namespace/${name}`,
        NODE_KIND.GRAPH_NODE_KIND_NAMESPACE,
        name,
        '',
        labels,
        {},
        name === 'kube-system' ? CRITICALITY.kubeSystem : CRITICALITY.namespace,
      );
    case 'Pod':
      return vertex(
        `pod/${ns}/${name}`,
        NODE_KIND.GRAPH_NODE_KIND_POD,
        name,
        ns,
        labels,
        podAttributes(object, state.facts(object)),
        CRITICALITY.pod,
      );
    case 'Service':
      return vertex(
        `service/${ns}/${name}`,
        NODE_KIND.GRAPH_NODE_KIND_SERVICE,
        name,
        ns,
        labels,
        {
          type: object.spec.type ?? 'ClusterIP',
          ports: (object.spec.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(','),
        },
        CRITICALITY.other,
      );
    case 'ServiceAccount':
      return vertex(
        `serviceaccount/${ns}/${name}`,
        NODE_KIND.GRAPH_NODE_KIND_SERVICE_ACCOUNT,
        name,
        ns,
        labels,
        { identity: 'ServiceAccount' },
        CRITICALITY.account,
      );
    case 'Role':
      return vertex(
        `role/${ns}/${name}`,
        NODE_KIND.GRAPH_NODE_KIND_ROLE,
        name,
        ns,
        labels,
        { scope: 'namespace' },
        CRITICALITY.role,
      );
    case 'ClusterRole':
      return vertex(
        `clusterrole/${name}`,
        NODE_KIND.GRAPH_NODE_KIND_ROLE,
        name,
        '',
        labels,
        { scope: 'cluster', aggregated: String(object.aggregationRule !== undefined) },
        name === 'cluster-admin' ? CRITICALITY.clusterAdmin : CRITICALITY.role,
      );
    case 'Secret':
      return vertex(
        `secret/${ns}/${name}`,
        NODE_KIND.GRAPH_NODE_KIND_SECRET,
        name,
        ns,
        labels,
        { type: object.type ?? 'Opaque' },
        CRITICALITY.secret,
      );
    case 'NetworkPolicy':
      return vertex(
        `networkpolicy/${ns}/${name}`,
        NODE_KIND.GRAPH_NODE_KIND_NETWORK_POLICY,
        name,
        ns,
        labels,
        {},
        0,
      );
    case 'RoleBinding':
    case 'ClusterRoleBinding':
    case 'Ingress':
      return undefined;
  }
}

/** A user or group that some binding names (twin.proto has no identity kind: an account kind with `identity`). */
export function identityVertex(kind: 'User' | 'Group', name: string): Vertex {
  return vertex(
    `${kind.toLowerCase()}/${name}`,
    kind === 'User' ? NODE_KIND.GRAPH_NODE_KIND_USER : NODE_KIND.GRAPH_NODE_KIND_GROUP,
    name,
    '',
    {},
    { identity: kind },
    CRITICALITY.identity,
  );
}

export function externalVertex(): Vertex {
  return vertex('external', NODE_KIND.GRAPH_NODE_KIND_EXTERNAL, 'external', '', {}, {}, 0);
}
