// Checks a Kubernetes object (as the API returns it, or a manifest) before the graph reads it: the
// kind must be one the graph knows, and every field it reads must have the right shape and size.
// Errors are OmegaError InvalidArgument naming the object and the field path.
import { Code, OmegaError } from '@omega/errors';
import {
  KUBE_KINDS,
  NAMESPACED_KINDS,
  describeObject,
  type KubeKind,
  type KubeObject,
} from './kube-objects';

/** Bounds on one object: beyond them it is refused, not truncated. */
export const OBJECT_LIMITS = {
  nameChars: 253,
  labels: 256,
  labelValueChars: 63 * 1024,
  items: 1024,
} as const;

export interface ValidateOptions {
  /** Namespace given to namespaced objects that name none (manifests, as `kubectl apply` does). */
  readonly defaultNamespace?: string;
}

type Json = Record<string, unknown>;

class Checker {
  constructor(readonly what: string) {}

  fail(path: string, problem: string): never {
    throw new OmegaError(Code.InvalidArgument, `${this.what}: ${path}: ${problem}`);
  }

  object(value: unknown, path: string, optional = false): Json | undefined {
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, value === undefined ? 'required' : `must be an object, got ${typeOf(value)}`);
    }
    return value as Json;
  }

  string(value: unknown, path: string, optional = false): string | undefined {
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string') {
      this.fail(path, value === undefined ? 'required' : `must be a string, got ${typeOf(value)}`);
    }
    return value;
  }

  name(value: unknown, path: string, optional = false): string | undefined {
    const name = this.string(value, path, optional);
    if (name === undefined) return undefined;
    if (name.length === 0) this.fail(path, 'must not be empty');
    if (name.length > OBJECT_LIMITS.nameChars) {
      this.fail(path, `${name.length} characters, more than ${OBJECT_LIMITS.nameChars}`);
    }
    return name;
  }

  boolean(value: unknown, path: string): void {
    if (value !== undefined && typeof value !== 'boolean') {
      this.fail(path, `must be true or false, got ${typeOf(value)}`);
    }
  }

  integer(value: unknown, path: string, optional = false): void {
    if (value === undefined && optional) return;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail(
        path,
        value === undefined ? 'required' : `must be an integer, got ${typeOf(value)}`,
      );
    }
  }

  array(value: unknown, path: string, optional = true): unknown[] {
    // The API server writes an empty optional list as null (an aggregated ClusterRole's rules).
    if ((value === undefined || value === null) && optional) return [];
    if (!Array.isArray(value)) {
      this.fail(path, value === undefined ? 'required' : `must be a list, got ${typeOf(value)}`);
    }
    if (value.length > OBJECT_LIMITS.items) {
      this.fail(path, `${value.length} items, more than ${OBJECT_LIMITS.items}`);
    }
    return value;
  }

  strings(value: unknown, path: string, optional = true): void {
    this.array(value, path, optional).forEach((v, i) => this.string(v, `${path}[${i}]`));
  }

  stringMap(value: unknown, path: string): void {
    const map = this.object(value, path, true);
    if (!map) return;
    const entries = Object.entries(map);
    if (entries.length > OBJECT_LIMITS.labels) {
      this.fail(path, `${entries.length} entries, more than ${OBJECT_LIMITS.labels}`);
    }
    for (const [key, v] of entries) {
      const s = this.string(v, `${path}.${key}`)!;
      if (s.length > OBJECT_LIMITS.labelValueChars) this.fail(`${path}.${key}`, 'value too long');
    }
  }

  oneOf(value: unknown, path: string, allowed: readonly string[], optional = true): void {
    if (value === undefined && optional) return;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.fail(path, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    }
  }

  selector(value: unknown, path: string): void {
    const selector = this.object(value, path, true);
    if (!selector) return;
    this.stringMap(selector.matchLabels, `${path}.matchLabels`);
    this.array(selector.matchExpressions, `${path}.matchExpressions`).forEach((raw, i) => {
      const p = `${path}.matchExpressions[${i}]`;
      const req = this.object(raw, p)!;
      this.string(req.key, `${p}.key`);
      this.oneOf(req.operator, `${p}.operator`, ['In', 'NotIn', 'Exists', 'DoesNotExist'], false);
      this.strings(req.values, `${p}.values`);
    });
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : typeof value;
}

function checkContainer(c: Checker, raw: unknown, path: string): void {
  const container = c.object(raw, path)!;
  c.name(container.name, `${path}.name`);
  c.string(container.image, `${path}.image`, true);
  const sc = c.object(container.securityContext, `${path}.securityContext`, true);
  if (sc) {
    c.boolean(sc.privileged, `${path}.securityContext.privileged`);
    c.integer(sc.runAsUser, `${path}.securityContext.runAsUser`, true);
    const caps = c.object(sc.capabilities, `${path}.securityContext.capabilities`, true);
    if (caps) {
      c.strings(caps.add, `${path}.securityContext.capabilities.add`);
      c.strings(caps.drop, `${path}.securityContext.capabilities.drop`);
    }
  }
  c.array(container.ports, `${path}.ports`).forEach((p, i) => {
    const port = c.object(p, `${path}.ports[${i}]`)!;
    c.integer(port.containerPort, `${path}.ports[${i}].containerPort`);
    c.integer(port.hostPort, `${path}.ports[${i}].hostPort`, true);
    c.string(port.name, `${path}.ports[${i}].name`, true);
    c.oneOf(port.protocol, `${path}.ports[${i}].protocol`, ['TCP', 'UDP', 'SCTP']);
  });
  c.array(container.volumeMounts, `${path}.volumeMounts`).forEach((m, i) => {
    const mount = c.object(m, `${path}.volumeMounts[${i}]`)!;
    c.name(mount.name, `${path}.volumeMounts[${i}].name`);
    c.string(mount.mountPath, `${path}.volumeMounts[${i}].mountPath`);
    c.boolean(mount.readOnly, `${path}.volumeMounts[${i}].readOnly`);
  });
}

function checkPod(c: Checker, raw: Json): void {
  const spec = c.object(raw.spec, 'spec')!;
  c.name(spec.nodeName, 'spec.nodeName', true);
  c.name(spec.serviceAccountName, 'spec.serviceAccountName', true);
  for (const flag of [
    'automountServiceAccountToken',
    'hostPID',
    'hostNetwork',
    'hostIPC',
    'shareProcessNamespace',
  ]) {
    c.boolean(spec[flag], `spec.${flag}`);
  }
  const podSc = c.object(spec.securityContext, 'spec.securityContext', true);
  if (podSc) c.integer(podSc.runAsUser, 'spec.securityContext.runAsUser', true);
  const containers = c.array(spec.containers, 'spec.containers', false);
  if (containers.length === 0) c.fail('spec.containers', 'must list at least one container');
  containers.forEach((x, i) => checkContainer(c, x, `spec.containers[${i}]`));
  c.array(spec.initContainers, 'spec.initContainers').forEach((x, i) =>
    checkContainer(c, x, `spec.initContainers[${i}]`),
  );
  c.array(spec.volumes, 'spec.volumes').forEach((v, i) => {
    const volume = c.object(v, `spec.volumes[${i}]`)!;
    c.name(volume.name, `spec.volumes[${i}].name`);
    const hostPath = c.object(volume.hostPath, `spec.volumes[${i}].hostPath`, true);
    if (hostPath) c.string(hostPath.path, `spec.volumes[${i}].hostPath.path`);
    const secret = c.object(volume.secret, `spec.volumes[${i}].secret`, true);
    if (secret) c.name(secret.secretName, `spec.volumes[${i}].secret.secretName`, true);
    const projected = c.object(volume.projected, `spec.volumes[${i}].projected`, true);
    if (projected) {
      c.array(projected.sources, `spec.volumes[${i}].projected.sources`).forEach((s, j) =>
        c.object(s, `spec.volumes[${i}].projected.sources[${j}]`),
      );
    }
  });
}

function checkRules(c: Checker, rules: unknown): void {
  c.array(rules, 'rules').forEach((r, i) => {
    const rule = c.object(r, `rules[${i}]`)!;
    c.strings(rule.verbs, `rules[${i}].verbs`, false);
    c.strings(rule.apiGroups, `rules[${i}].apiGroups`);
    c.strings(rule.resources, `rules[${i}].resources`);
    c.strings(rule.resourceNames, `rules[${i}].resourceNames`);
    c.strings(rule.nonResourceURLs, `rules[${i}].nonResourceURLs`);
  });
}

function checkBinding(c: Checker, raw: Json, clusterScoped: boolean): void {
  const ref = c.object(raw.roleRef, 'roleRef')!;
  c.oneOf(
    ref.kind,
    'roleRef.kind',
    clusterScoped ? ['ClusterRole'] : ['Role', 'ClusterRole'],
    false,
  );
  c.name(ref.name, 'roleRef.name');
  c.array(raw.subjects, 'subjects').forEach((s, i) => {
    const subject = c.object(s, `subjects[${i}]`)!;
    c.oneOf(subject.kind, `subjects[${i}].kind`, ['User', 'Group', 'ServiceAccount'], false);
    c.name(subject.name, `subjects[${i}].name`);
    c.name(subject.namespace, `subjects[${i}].namespace`, true);
    if (subject.kind === 'ServiceAccount' && clusterScoped && subject.namespace === undefined) {
      c.fail(`subjects[${i}].namespace`, 'required for a ServiceAccount in a ClusterRoleBinding');
    }
  });
}

function checkBackend(c: Checker, raw: unknown, path: string): void {
  const backend = c.object(raw, path, true);
  const service = backend && c.object(backend.service, `${path}.service`, true);
  if (service) c.name(service.name, `${path}.service.name`);
}

const CHECKS: Record<KubeKind, (c: Checker, raw: Json) => void> = {
  Node: () => {},
  Namespace: () => {},
  ServiceAccount: () => {},
  NetworkPolicy: (c, raw) => void c.object(raw.spec, 'spec', true),
  Secret: (c, raw) => void c.string(raw.type, 'type', true),
  Pod: checkPod,
  Service: (c, raw) => {
    const spec = c.object(raw.spec, 'spec')!;
    c.oneOf(spec.type, 'spec.type', ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
    c.stringMap(spec.selector, 'spec.selector');
    c.array(spec.ports, 'spec.ports').forEach((p, i) => {
      const port = c.object(p, `spec.ports[${i}]`)!;
      c.integer(port.port, `spec.ports[${i}].port`);
      c.integer(port.nodePort, `spec.ports[${i}].nodePort`, true);
      if (typeof port.targetPort !== 'string') {
        c.integer(port.targetPort, `spec.ports[${i}].targetPort`, true);
      }
    });
  },
  Role: (c, raw) => checkRules(c, raw.rules),
  ClusterRole: (c, raw) => {
    checkRules(c, raw.rules);
    const aggregation = c.object(raw.aggregationRule, 'aggregationRule', true);
    if (aggregation) {
      c.array(aggregation.clusterRoleSelectors, 'aggregationRule.clusterRoleSelectors').forEach(
        (s, i) => c.selector(s, `aggregationRule.clusterRoleSelectors[${i}]`),
      );
    }
  },
  RoleBinding: (c, raw) => checkBinding(c, raw, false),
  ClusterRoleBinding: (c, raw) => checkBinding(c, raw, true),
  Ingress: (c, raw) => {
    const spec = c.object(raw.spec, 'spec', true);
    if (!spec) return;
    checkBackend(c, spec.defaultBackend, 'spec.defaultBackend');
    c.array(spec.rules, 'spec.rules').forEach((r, i) => {
      const rule = c.object(r, `spec.rules[${i}]`)!;
      const http = c.object(rule.http, `spec.rules[${i}].http`, true);
      c.array(http?.paths, `spec.rules[${i}].http.paths`).forEach((p, j) => {
        const path = c.object(p, `spec.rules[${i}].http.paths[${j}]`)!;
        checkBackend(c, path.backend, `spec.rules[${i}].http.paths[${j}].backend`);
      });
    });
  },
};

/**
 * Checks one object and returns it typed (with the default namespace filled in when asked).
 * Throws OmegaError(InvalidArgument) naming the object and the field, or the unknown kind.
 */
export function validateObject(raw: unknown, options: ValidateOptions = {}): KubeObject {
  const top = new Checker('object');
  const object = top.object(raw, '(top level)')!;
  const metadata = object.metadata as Json | undefined;
  const c = new Checker(
    describeObject({ kind: String(object.kind), metadata: metadata as { name?: string } }),
  );
  const kind = c.string(object.kind, 'kind')!;
  if (!KUBE_KINDS.includes(kind as KubeKind)) {
    c.fail('kind', `unknown kind '${kind}'; the attack graph reads ${KUBE_KINDS.join(', ')}`);
  }
  const meta = c.object(object.metadata, 'metadata')!;
  c.name(meta.name, 'metadata.name');
  c.name(meta.namespace, 'metadata.namespace', true);
  c.stringMap(meta.labels, 'metadata.labels');
  c.stringMap(meta.annotations, 'metadata.annotations');
  const namespaced = NAMESPACED_KINDS.has(kind as KubeKind);
  let result = object;
  if (namespaced && meta.namespace === undefined) {
    if (options.defaultNamespace === undefined) c.fail('metadata.namespace', 'required');
    result = { ...object, metadata: { ...meta, namespace: options.defaultNamespace } };
  }
  if (!namespaced && meta.namespace !== undefined && meta.namespace !== '') {
    c.fail('metadata.namespace', `a ${kind} is cluster-scoped and has no namespace`);
  }
  CHECKS[kind as KubeKind](c, object);
  if (kind === 'Secret') {
    // Only the metadata and type are read; the values are dropped, never held.
    result = {
      kind,
      metadata: result.metadata,
      ...(object.type !== undefined ? { type: object.type } : {}),
    };
  }
  return result as unknown as KubeObject;
}
