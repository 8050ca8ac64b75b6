// The Kubernetes objects the attack graph reads, as the API returns them: only the fields it uses
// are typed (anything else is carried and ignored). validateObject checks them before they are used.
import { Code, OmegaError } from '@omega/errors';

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface SecurityContext {
  readonly privileged?: boolean;
  readonly runAsUser?: number;
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
}

export interface ContainerPort {
  readonly containerPort: number;
  readonly name?: string;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly hostPort?: number;
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly securityContext?: SecurityContext;
  readonly ports?: readonly ContainerPort[];
  readonly volumeMounts?: readonly VolumeMount[];
}

export interface Volume {
  readonly name: string;
  readonly hostPath?: { readonly path: string };
  readonly secret?: { readonly secretName?: string };
  readonly projected?: {
    readonly sources?: readonly {
      readonly serviceAccountToken?: object;
      readonly secret?: { readonly name?: string };
    }[];
  };
}

export interface PodSpec {
  readonly nodeName?: string;
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly hostPID?: boolean;
  readonly hostNetwork?: boolean;
  readonly hostIPC?: boolean;
  readonly shareProcessNamespace?: boolean;
  readonly securityContext?: { readonly runAsUser?: number };
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
}

export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface Subject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  readonly namespace?: string;
  readonly apiGroup?: string;
}

export interface RoleRef {
  readonly apiGroup?: string;
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
}

export interface ServicePort {
  readonly port: number;
  readonly name?: string;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly targetPort?: number | string;
  readonly nodePort?: number;
}

export interface IngressBackend {
  readonly service?: { readonly name: string; readonly port?: object };
}

export type KubeObject =
  | { readonly kind: 'Node'; readonly metadata: ObjectMeta }
  | { readonly kind: 'Namespace'; readonly metadata: ObjectMeta }
  | { readonly kind: 'Pod'; readonly metadata: ObjectMeta; readonly spec: PodSpec }
  | {
      readonly kind: 'Service';
      readonly metadata: ObjectMeta;
      readonly spec: {
        readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
        readonly selector?: Readonly<Record<string, string>>;
        readonly ports?: readonly ServicePort[];
      };
    }
  | { readonly kind: 'ServiceAccount'; readonly metadata: ObjectMeta }
  | { readonly kind: 'Role'; readonly metadata: ObjectMeta; readonly rules?: readonly PolicyRule[] }
  | {
      readonly kind: 'ClusterRole';
      readonly metadata: ObjectMeta;
      readonly rules?: readonly PolicyRule[];
      readonly aggregationRule?: { readonly clusterRoleSelectors?: readonly LabelSelector[] };
    }
  | {
      readonly kind: 'RoleBinding';
      readonly metadata: ObjectMeta;
      readonly roleRef: RoleRef;
      readonly subjects?: readonly Subject[];
    }
  | {
      readonly kind: 'ClusterRoleBinding';
      readonly metadata: ObjectMeta;
      readonly roleRef: RoleRef;
      readonly subjects?: readonly Subject[];
    }
  | { readonly kind: 'Secret'; readonly metadata: ObjectMeta; readonly type?: string }
  | {
      readonly kind: 'Ingress';
      readonly metadata: ObjectMeta;
      readonly spec?: {
        readonly defaultBackend?: IngressBackend;
        readonly rules?: readonly {
          readonly http?: { readonly paths?: readonly { readonly backend: IngressBackend }[] };
        }[];
      };
    }
  | { readonly kind: 'NetworkPolicy'; readonly metadata: ObjectMeta; readonly spec?: object };

export type KubeKind = KubeObject['kind'];
export type KubeObjectOf<K extends KubeKind> = Extract<KubeObject, { kind: K }>;
export type PodObject = KubeObjectOf<'Pod'>;

/** Kinds whose objects live in a namespace (the rest are cluster-scoped). */
export const NAMESPACED_KINDS: ReadonlySet<KubeKind> = new Set<KubeKind>([
  'Pod',
  'Service',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'Secret',
  'Ingress',
  'NetworkPolicy',
]);

export const KUBE_KINDS: readonly KubeKind[] = [
  'Node',
  'Namespace',
  'Pod',
  'Service',
  'ServiceAccount',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'Secret',
  'Ingress',
  'NetworkPolicy',
];

/** `Pod default/web`, `ClusterRole admin`: how errors and evidence name an object. */
/** A delete's kind, checked: one the graph holds. */
export function kubeKindOf(change: { kind: string; name: string }): KubeKind {
  if (KUBE_KINDS.includes(change.kind as KubeKind)) return change.kind as KubeKind;
  throw new OmegaError(
    Code.InvalidArgument,
    `delete ${change.kind} ${change.name}: unknown kind '${change.kind}'`,
  );
}

export function describeObject(object: { kind: string; metadata?: Partial<ObjectMeta> }): string {
  const ns = object.metadata?.namespace;
  return `${object.kind} ${ns ? `${ns}/` : ''}${object.metadata?.name ?? '?'}`;
}

/** The store key of an object: `Pod/default/web`, `ClusterRole//admin`. */
export function objectKey(object: KubeObject): string {
  return `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** The vertex id of an object: `pod/shop/web`, `clusterrole/admin`. */
export function vertexIdOf(object: KubeObject): string {
  const ns = object.metadata.namespace;
  const kind = object.kind.toLowerCase();
  return ns ? `${kind}/${ns}/${object.metadata.name}` : `${kind}/${object.metadata.name}`;
}
