// GetServerInfo: the gateway's release and, for each service behind it, whether its backend
// answers the standard health check now.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { ServingStatus, type GetServerInfoResponse, type ServiceInfo } from '@omega/proto';
import { grpcHealthDefinition, type CallContext } from '@omega/runtime';
import type { BackendPool, BackendTarget } from './backend-pool';
import { FORWARDED_SERVICES, type Backend } from './forwarded-services';

/** The gateway's release, from its package.json (beside src/ and dist/ alike). */
export const GATEWAY_VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

const check = Object.values(grpcHealthDefinition)[0] as grpc.MethodDefinition<
  { service: string },
  { status: string }
>;

export interface ServerInfoOptions {
  pool: BackendPool;
  /** The cluster of the gateway's identity (`local` of `omega://local/service/gateway`); '' without one. */
  cluster: string;
  healthCheckTimeoutMs: number;
}

export async function serverInfo(
  options: ServerInfoOptions,
  ctx: CallContext,
): Promise<GetServerInfoResponse> {
  const nameOf = new Map<Backend, string>(
    FORWARDED_SERVICES.map(({ backend, definition }) => [backend, serviceName(definition)]),
  );
  const services: ServiceInfo[] = await Promise.all(
    options.pool.known().map(async ({ backend, target }) => ({
      name: nameOf.get(backend) ?? backend,
      status: (await serving(target, options.healthCheckTimeoutMs, ctx.signal))
        ? ServingStatus.SERVING_STATUS_SERVING
        : ServingStatus.SERVING_STATUS_NOT_SERVING,
      version: '',
      address: target.address,
    })),
  );
  return {
    version: GATEWAY_VERSION,
    commit: '',
    cluster: options.cluster,
    // Trust's own name for its domain is not known here yet (trust's GetTrustBundle has it).
    trustDomain: '',
    services,
    features: [],
    serverTimeNs: BigInt(Date.now()) * 1_000_000n,
  };
}

function serviceName(definition: grpc.ServiceDefinition): string {
  const path = Object.values(definition)[0]?.path ?? '';
  return path.slice(1, path.lastIndexOf('/'));
}

/** Whether the backend's overall health answer is SERVING; unreachable counts as not serving. */
function serving(target: BackendTarget, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const call = target.client.makeUnaryRequest(
      check.path,
      check.requestSerialize,
      check.responseDeserialize,
      { service: '' },
      { deadline: Date.now() + timeoutMs },
      (err, reply) => {
        signal.removeEventListener('abort', cancel);
        resolve(err === null && reply?.status === 'SERVING');
      },
    );
    const cancel = (): void => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
  });
}
