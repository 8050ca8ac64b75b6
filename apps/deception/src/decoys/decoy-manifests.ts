// The Kubernetes objects of one decoy: a Deployment (the relay pod), a Service and a NetworkPolicy,
// shaped like the namespace's own workloads (name pattern, label and annotation keys, port naming,
// resource and security shapes copied from its Deployments and Services). Pure: no I/O, no clock.
// Nothing here says what the objects are for: which ones are decoys is known from omega_decoys only.
import type {
  V1Container,
  V1ContainerPort,
  V1Deployment,
  V1NetworkPolicy,
  V1NetworkPolicyPeer,
  V1Service,
  V1ServicePort,
} from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { DecoyKind, type DecoySpec } from '@omega/proto';
import {
  commonKeys,
  copiedValues,
  mostCommon,
  mostSimilar,
  namingPattern,
  neighbours,
  type Neighbour,
} from './neighbour-shape';

/** Where a decoy pod sends each connection: the deception service's relay listener. */
export interface DecoyRelay {
  /** Image of the relay (a neutral name: it is visible to anyone who can read Deployments). */
  readonly image: string;
  /** Entry point, when the image's own is not the relay; empty: the image's. */
  readonly command: readonly string[];
  /** `host:port` of the deception service's relay listener, as pods reach it. */
  readonly upstream: string;
  /** The NetworkPolicy peer that is the deception service (its pods' labels and namespace). */
  readonly egressPeer: V1NetworkPolicyPeer;
  /** Allow DNS egress too (needed only when `upstream` is a host name). */
  readonly dns: boolean;
}

export interface DecoyManifestInput {
  /** A checked spec whose namespace is set; an empty name is derived from the neighbours. */
  readonly spec: DecoySpec;
  /** Opaque key the relay presents so the deception service knows the decoy (hex). */
  readonly route: string;
  /** The namespace's Deployments and Services, as listed. */
  readonly deployments: readonly V1Deployment[];
  readonly services: readonly V1Service[];
  readonly relay: DecoyRelay;
}

export interface DecoyManifests {
  readonly name: string;
  /** The field manager most neighbours were written by (helm, argocd, kubectl-create), if any. */
  readonly fieldManager?: string;
  readonly deployment: V1Deployment;
  readonly service: V1Service;
  readonly networkPolicy: V1NetworkPolicy;
}

/** Words a workload of each kind is commonly named with, most usual first. */
const ROLE_WORDS: Readonly<Partial<Record<DecoyKind, readonly string[]>>> = {
  [DecoyKind.DECOY_KIND_SSH]: ['bastion', 'jump', 'sftp'],
  [DecoyKind.DECOY_KIND_HTTP]: ['admin', 'console', 'dashboard'],
  [DecoyKind.DECOY_KIND_REDIS]: ['cache', 'redis', 'sessions'],
  [DecoyKind.DECOY_KIND_POSTGRES]: ['db', 'postgres', 'pg'],
  [DecoyKind.DECOY_KIND_MYSQL]: ['db', 'mysql', 'mariadb'],
  [DecoyKind.DECOY_KIND_KUBERNETES_API]: ['api', 'control', 'gateway'],
  [DecoyKind.DECOY_KIND_SMB]: ['files', 'share', 'storage'],
  [DecoyKind.DECOY_KIND_TCP_BANNER]: ['ftp', 'mail', 'legacy'],
};

/** The protocol word a port of each kind is named with (`http`, `tcp-redis`). */
const PORT_WORDS: Readonly<Partial<Record<DecoyKind, string>>> = {
  [DecoyKind.DECOY_KIND_SSH]: 'ssh',
  [DecoyKind.DECOY_KIND_HTTP]: 'http',
  [DecoyKind.DECOY_KIND_REDIS]: 'redis',
  [DecoyKind.DECOY_KIND_POSTGRES]: 'postgres',
  [DecoyKind.DECOY_KIND_MYSQL]: 'mysql',
  [DecoyKind.DECOY_KIND_KUBERNETES_API]: 'https',
  [DecoyKind.DECOY_KIND_SMB]: 'smb',
  [DecoyKind.DECOY_KIND_TCP_BANNER]: 'tcp',
};

/** A name following the neighbours' pattern that no Deployment or Service of theirs has. */
export function decoyName(
  kind: DecoyKind,
  taken: ReadonlySet<string>,
  names: readonly string[],
): string {
  const { prefix, suffix } = namingPattern(names);
  const words = ROLE_WORDS[kind] ?? ['svc'];
  const candidates = words.map((word) =>
    [prefix, word, suffix]
      .filter((w) => w !== undefined && w !== '')
      .join('-')
      .slice(0, 63),
  );
  for (const candidate of candidates) if (!taken.has(candidate)) return candidate;
  for (let n = 2; ; n++) {
    const candidate = `${candidates[0]!.slice(0, 60)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The Service port's name: the similar workload's for the same port, a name every workload
 * shares, or the protocol word in the namespace's style (`redis`, `tcp-redis`); none if unnamed. */
function portName(
  kind: DecoyKind,
  all: readonly Neighbour[],
  similar: Neighbour | undefined,
  port: number,
): string | undefined {
  const same = similar?.service?.spec?.ports?.find((p) => p.port === port && p.name);
  if (same?.name) return same.name;
  const names = all.flatMap((n) => (n.service?.spec?.ports ?? []).map((p) => p.name));
  const named = names.filter((n): n is string => typeof n === 'string' && n !== '');
  if (named.length === 0 || named.length * 2 < names.length) return undefined;
  if (new Set(named).size === 1) return named[0];
  const word = PORT_WORDS[kind] ?? 'tcp';
  const prefixed = named.filter((n) => /^tcp-/.test(n)).length * 2 > named.length;
  return prefixed ? `tcp-${word}` : word;
}

const withName = (n: Neighbour, pick: (n: Neighbour) => Record<string, string> | undefined) => ({
  name: n.name,
  values: pick(n),
});

/** Builds the three objects of a decoy from its spec and the namespace's workloads. */
export function decoyManifests(input: DecoyManifestInput): DecoyManifests {
  const { spec, relay } = input;
  const namespace = spec.namespace;
  const all = neighbours(input.deployments, input.services);
  const taken = new Set([
    ...input.deployments.map((d) => d.metadata?.name ?? ''),
    ...input.services.map((s) => s.metadata?.name ?? ''),
  ]);
  const name =
    spec.name !== ''
      ? spec.name
      : decoyName(
          spec.kind,
          taken,
          all.map((n) => n.name),
        );
  const similar = mostSimilar(all, spec.port);
  const copy = (pick: (n: Neighbour) => Record<string, string> | undefined) => {
    const keys = commonKeys(all.map(pick));
    return copiedValues(
      keys,
      all.map((n) => withName(n, pick)),
      name,
    );
  };

  const labels = { ...copy((n) => n.deployment.metadata?.labels), ...spec.labels };
  const annotations = copy((n) => n.deployment.metadata?.annotations);
  const selectorKeys = Object.keys(similar?.deployment.spec?.selector?.matchLabels ?? { app: '' });
  const podLabels = {
    ...copy((n) => n.deployment.spec?.template?.metadata?.labels),
    ...spec.labels,
  };
  const selector: Record<string, string> = {};
  for (const key of selectorKeys) selector[key] = podLabels[key] ?? labels[key] ?? name;
  Object.assign(podLabels, selector);
  const podAnnotations = copy((n) => n.deployment.spec?.template?.metadata?.annotations);
  const serviceLabels = { ...copy((n) => n.service?.metadata?.labels), ...spec.labels };
  const serviceAnnotations = copy((n) => n.service?.metadata?.annotations);

  const port = portName(spec.kind, all, similar, spec.port);
  const containerNamedLikeWorkload =
    all.filter((n) => n.container?.name === n.name).length * 2 > all.length;
  const containerName = containerNamedLikeWorkload
    ? name
    : (mostCommon(all.map((n) => n.container?.name).filter((n) => n !== undefined)) ?? name);
  const containerPort: V1ContainerPort = {
    ...(port && similar?.container?.ports?.some((p) => p.name) ? { name: port } : {}),
    containerPort: spec.port,
    protocol: 'TCP',
  };
  const similarTarget = similar?.service?.spec?.ports?.[0]?.targetPort;
  const servicePort: V1ServicePort = {
    ...(port ? { name: port } : {}),
    port: spec.port,
    protocol: 'TCP',
    targetPort:
      typeof similarTarget === 'string' && containerPort.name ? containerPort.name : spec.port,
  };
  const container: V1Container = {
    name: containerName,
    image: relay.image,
    ...(relay.command.length > 0 ? { command: [...relay.command] } : {}),
    args: [`--listen=:${spec.port}`, `--upstream=${relay.upstream}`, `--route=${input.route}`],
    ports: [containerPort],
    ...(similar?.container?.imagePullPolicy
      ? { imagePullPolicy: similar.container.imagePullPolicy }
      : {}),
    ...(similar?.container?.resources
      ? { resources: structuredClone(similar.container.resources) }
      : {}),
    ...(similar?.container?.securityContext
      ? { securityContext: structuredClone(similar.container.securityContext) }
      : {}),
  };
  const replicas = mostCommon(all.map((n) => n.deployment.spec?.replicas ?? 1)) ?? 1;
  const podSpec = similar?.podSpec;
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      replicas,
      ...(similar?.deployment.spec?.revisionHistoryLimit !== undefined
        ? { revisionHistoryLimit: similar.deployment.spec.revisionHistoryLimit }
        : {}),
      ...(similar?.deployment.spec?.strategy
        ? { strategy: structuredClone(similar.deployment.spec.strategy) }
        : {}),
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: podLabels,
          ...(Object.keys(podAnnotations).length ? { annotations: podAnnotations } : {}),
        },
        spec: {
          // The pod holds no credential: no service-account token, no Secrets, no environment.
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          containers: [container],
          ...(podSpec?.securityContext
            ? { securityContext: structuredClone(podSpec.securityContext) }
            : {}),
          ...(podSpec?.imagePullSecrets
            ? { imagePullSecrets: structuredClone(podSpec.imagePullSecrets) }
            : {}),
          ...(podSpec?.nodeSelector ? { nodeSelector: { ...podSpec.nodeSelector } } : {}),
          ...(podSpec?.tolerations ? { tolerations: structuredClone(podSpec.tolerations) } : {}),
          ...(podSpec?.priorityClassName ? { priorityClassName: podSpec.priorityClassName } : {}),
        },
      },
    },
  };
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace,
      labels: serviceLabels,
      ...(Object.keys(serviceAnnotations).length ? { annotations: serviceAnnotations } : {}),
    },
    spec: { type: 'ClusterIP', selector, ports: [servicePort] },
  };
  const upstreamPort = Number(relay.upstream.slice(relay.upstream.lastIndexOf(':') + 1));
  const networkPolicy: V1NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    // Policies are written by the same tooling as the workloads: the Deployment's labels and annotations.
    metadata: {
      name,
      namespace,
      labels: { ...labels },
      ...(Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
    },
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: spec.port }] }],
      egress: [
        {
          to: [structuredClone(relay.egressPeer)],
          ports: [{ protocol: 'TCP', port: upstreamPort }],
        },
        ...(relay.dns
          ? [
              {
                to: [
                  {
                    namespaceSelector: {},
                    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                  },
                ],
                ports: [
                  { protocol: 'UDP', port: 53 },
                  { protocol: 'TCP', port: 53 },
                ],
              },
            ]
          : []),
      ],
    },
  };
  const fieldManager = mostCommon(
    input.deployments.flatMap((d) => (d.metadata?.managedFields ?? []).map((f) => f.manager ?? '')),
  );
  return { name, ...(fieldManager ? { fieldManager } : {}), deployment, service, networkPolicy };
}
