// A connection to a Service: policies see the backend pods on their target ports (the proxy rewrites
// the address before policy applies), so the verdict is one per backend, each explained.
import { Code, OmegaError } from '@omega/errors';
import type { CompiledCluster } from './compiled-policies';
import {
  resolveEndpoint,
  verdictBetween,
  type ConnectionVerdict,
  type Endpoint,
} from './connection-verdict';
import type { Protocol } from './label-schema';
import { matchesSelector } from './label-selector';

export interface ServiceQuery {
  readonly from: Endpoint;
  /** "namespace/name" */
  readonly service: string;
  /** The Service's port (spec.ports[].port). */
  readonly port: number;
  /** Default TCP. */
  readonly protocol?: Protocol;
}

export interface ServiceVerdict {
  readonly service: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** True when at least one backend accepts the connection. */
  readonly allowed: boolean;
  /** One verdict per backend pod, on the port the Service forwards to. */
  readonly backends: readonly ConnectionVerdict[];
  /** Pods the selector matches that are not backends of this port (their named targetPort is missing). */
  readonly skipped: readonly string[];
}

export function evaluateServiceConnection(
  compiled: CompiledCluster,
  query: ServiceQuery,
): ServiceVerdict {
  const protocol = query.protocol ?? 'TCP';
  const service = compiled.cluster.services.find(
    (s) => `${s.metadata.namespace}/${s.metadata.name}` === query.service,
  );
  if (!service) {
    throw new OmegaError(
      Code.NotFound,
      `service: no Service '${query.service}' in the cluster (write namespace/name)`,
    );
  }
  const servicePort = (service.spec.ports ?? []).find(
    (p) => p.port === query.port && p.protocol === protocol,
  );
  if (!servicePort) {
    const have =
      (service.spec.ports ?? []).map((p) => `${p.protocol} ${p.port}`).join(', ') || 'none';
    throw new OmegaError(
      Code.NotFound,
      `port: Service ${query.service} has no port ${protocol} ${query.port} (has ${have})`,
    );
  }
  const from = resolveEndpoint(compiled, query.from, 'from');
  const selector = service.spec.selector;
  const backends: ConnectionVerdict[] = [];
  const skipped: string[] = [];
  // A Service without a selector has hand-written endpoints, which this model does not hold.
  if (selector && Object.keys(selector).length > 0) {
    compiled.index.pods.forEach((pod, i) => {
      if (
        pod.namespace !== service.metadata.namespace ||
        !matchesSelector({ matchLabels: selector }, pod.labels)
      ) {
        return;
      }
      const target = servicePort.targetPort ?? servicePort.port;
      const targetPort =
        typeof target === 'number'
          ? target
          : pod.namedPorts.find((p) => p.name === target && p.protocol === protocol)?.port;
      if (targetPort === undefined) {
        skipped.push(pod.id);
        return;
      }
      backends.push(verdictBetween(compiled, from, { pod: i, text: pod.id }, targetPort, protocol));
    });
  }
  return {
    service: query.service,
    port: query.port,
    protocol,
    allowed: backends.some((b) => b.allowed),
    backends,
    skipped,
  };
}
