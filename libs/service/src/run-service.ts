// Boots one Omega service: the runtime harness first (health answers at once), then the bus with
// its declared resources, then the service's own parts; ready only when all of them are.
import type * as grpc from '@grpc/grpc-js';
import type { z } from 'zod';
import {
  connectBus,
  identityNatsOptions,
  provision,
  type Bus,
  type IdentityConnectionOptions,
  type IdentityNatsOptions,
  type ResourceSelection,
} from '@omega/bus';
import { serviceDefinitions } from '@omega/proto';
import {
  Code,
  OmegaError,
  baseConfigSchema,
  errorMessage,
  startService,
  type BaseConfig,
  type Logger,
  type Service,
} from '@omega/runtime';
import { serverCredentials, type CredentialSource } from '@omega/trust-client';
import { enableCallAuthorization, warnAuthorizationOff } from './call-authorization';
import { registerConsumerLag } from './consumer-lag';
import { LOCAL_PORTS, type ServiceName } from './local-ports';
import {
  busClientCertificate,
  clientCredentialsFor,
  establishIdentity,
  trustCaFromFile,
  type EnrollAs,
  type ServiceIdentity,
} from './service-identity';

/** What a service's build() gets. */
export interface ServiceParts<C> {
  service: Service<C>;
  bus: Bus;
  /** The identity trust issued (undefined when `enrollment.mode` is off). */
  identity: ServiceIdentity | undefined;
  /**
   * Credentials to call another Omega workload (`peer`: a service's name, or a kind and name such
   * as a sentinel's node, checked against the server's certificate): mutual TLS when
   * `tls.enabled`, insecure otherwise.
   */
  clientCredentials(peer?: ServiceName | EnrollAs): grpc.ChannelCredentials;
}

/** Trust's own bus credentials (see ServiceSpec.busAuthentication). */
export type OwnBusAuthentication = Omit<IdentityNatsOptions, 'identity'>;

/** What build() may hand back: trust serves with a certificate it issues itself. */
export interface BuiltService {
  /** Serve gRPC with this instead of the enrolled identity (trust only). */
  serverIdentity?: CredentialSource;
  /** With `serverIdentity`: let clients without a certificate connect (trust's enrollment). */
  allowClientsWithoutCertificate?: boolean;
}

export interface ServiceSpec<S extends z.ZodType> {
  name: ServiceName;
  /** An extension of baseConfigSchema with the service's own settings. */
  configSchema?: S;
  /** JetStream streams, KV buckets and object stores this service uses; provisioned idempotently. */
  resources: ResourceSelection;
  /**
   * The gRPC services build() adds (default: the service's own, `omega.v1.<Name>Service`): from
   * the moment the server listens until build() adds them, their methods answer UNAVAILABLE
   * ("starting"), which callers retry, instead of UNIMPLEMENTED, which they take as final.
   */
  grpcServices?: readonly grpc.ServiceDefinition[];
  /** Adds the service's gRPC handlers and consumers once the bus is connected. */
  build(parts: ServiceParts<z.output<S>>): Promise<BuiltService | void> | BuiltService | void;
  /**
   * Trust only: how it authenticates to a bus with `nats.auth: identity` before it can issue any
   * identity, its own included (a certificate from its own CA and its server-config nkey).
   */
  busAuthentication?: (config: z.output<S>, logger: Logger) => Promise<OwnBusAuthentication>;
  /** Who the service enrolls as (default `service/<name>`). */
  enrollAs?: (config: z.output<S>) => EnrollAs;
  env?: NodeJS.ProcessEnv;
  argv?: string[];
  installSignalHandlers?: boolean;
}

export interface RunningService<C> {
  service: Service<C>;
  bus: Bus;
  identity: ServiceIdentity | undefined;
  grpcPort: number;
  httpPort: number;
}

export async function runService<S extends z.ZodType = typeof baseConfigSchema>(
  spec: ServiceSpec<S>,
): Promise<RunningService<z.output<S>>> {
  const service = await startService<S>({
    name: spec.name,
    defaults: LOCAL_PORTS[spec.name],
    ...(spec.configSchema ? { configSchema: spec.configSchema } : {}),
    ...(spec.env ? { env: spec.env } : {}),
    ...(spec.argv ? { argv: spec.argv } : {}),
    installSignalHandlers: spec.installSignalHandlers ?? true,
  });
  for (const definition of spec.grpcServices ?? ownGrpcService(spec.name)) {
    service.reserveGrpcService(definition);
  }
  service.setReady('bus', false, 'connecting to NATS');
  service.setReady('parts', false, 'not built');
  const config = service.config as BaseConfig;
  // With mutual TLS the gRPC server needs its certificate before it listens, so it listens last;
  // without it, it listens first and health answers while the rest starts.
  const tlsEnabled = config.tls.enabled;
  let ports = tlsEnabled ? undefined : await service.listen();

  const enrollAs = spec.enrollAs?.(service.config) ?? { kind: 'service', name: spec.name };
  // With an authenticated bus the service needs its identity before it can connect: it enrolls
  // first (trust, which issues identities, authenticates itself with its own keys).
  let identity: ServiceIdentity | undefined;
  let busAuth: IdentityConnectionOptions | undefined;
  try {
    if (config.nats.auth === 'identity') {
      ({ identity, busAuth } = await authenticatedBus(spec, service, enrollAs));
    } else {
      service.logger.warn(
        'nats.auth is none: the bus authenticates nobody and any client can read and write every stream; use it for development only',
      );
    }
  } catch (err) {
    service.logger.fatal(
      { err },
      `${spec.name}: cannot authenticate to the bus: ${errorMessage(err)}`,
    );
    await service.shutdown('start-up failed');
    throw err;
  }
  const bus = await connectBus({
    servers: config.nats.servers,
    name: config.nats.name ?? `omega-${spec.name}`,
    logger: service.logger,
    onReadyChange: (ready) =>
      service.setReady('bus', ready, ready ? undefined : 'NATS not connected'),
    ...(busAuth ? { natsOptions: busAuth, retryAuthorization: true } : {}),
    signal: service.draining,
  });
  service.onShutdown('bus', () => bus.drain());
  service.setReady('bus', true);
  registerConsumerLag(service.metrics, bus);

  // Reading the trust CA and watching revocations need trust's bucket, whoever starts first.
  const resources = tlsEnabled
    ? {
        ...spec.resources,
        kv: [...new Set([...(spec.resources.kv ?? []), 'omega_identities' as const])],
      }
    : spec.resources;
  const report = await provision(bus, resources);
  service.logger.info({ resources: report }, 'bus resources provisioned');

  try {
    // Installed before build() adds any gRPC service: every method of each is checked.
    const authorization = tlsEnabled
      ? await enableCallAuthorization(service as Service<unknown>, bus)
      : undefined;
    if (!tlsEnabled) warnAuthorizationOff(service as Service<unknown>);
    identity ??= await establishIdentity({
      config,
      bus,
      logger: service.logger,
      enrollAs,
      signal: service.draining,
    });
    if (identity) service.onShutdown('identity', async () => identity?.stop());
    const built = await spec.build({
      service,
      bus,
      identity,
      clientCredentials: (peer) => clientCredentialsFor(config, identity, peer),
    });
    if (tlsEnabled) {
      const serverIdentity = built?.serverIdentity ?? identity;
      if (serverIdentity === undefined) {
        throw new OmegaError(
          Code.FailedPrecondition,
          'tls.enabled needs an identity: set enrollment.mode to join-token or kubernetes',
        );
      }
      authorization?.serveAs(serverIdentity);
      service.useGrpcCredentials(
        serverCredentials(serverIdentity, {
          requireClientCertificate: !(built?.allowClientsWithoutCertificate ?? false),
        }),
      );
      ports = await service.listen();
    }
  } catch (err) {
    service.logger.fatal({ err }, `building ${spec.name} failed: ${errorMessage(err)}`);
    await service.shutdown('start-up failed');
    throw err;
  }
  service.setReady('parts', true);
  const { grpcPort, httpPort } = ports ?? (await service.listen());
  service.logger.info(
    { grpcPort, httpPort, tls: tlsEnabled, ...(identity ? { subject: identity.subject } : {}) },
    `${spec.name} ready`,
  );
  return { service, bus, identity, grpcPort, httpPort };
}

/** The identity and bus options of a service on an authenticated bus (`nats.auth: identity`). */
async function authenticatedBus<S extends z.ZodType>(
  spec: ServiceSpec<S>,
  service: Service<z.output<S>>,
  enrollAs: EnrollAs,
): Promise<{ identity: ServiceIdentity | undefined; busAuth: IdentityConnectionOptions }> {
  const config = service.config as BaseConfig;
  if (spec.busAuthentication) {
    const own = await spec.busAuthentication(service.config, service.logger);
    return { identity: undefined, busAuth: identityNatsOptions({ ...own, identity: enrollAs }) };
  }
  if (config.enrollment.mode === 'off') {
    throw new OmegaError(
      Code.FailedPrecondition,
      'nats.auth is identity but enrollment.mode is off: the bus needs a trust-issued certificate (set enrollment.mode to join-token or kubernetes)',
    );
  }
  const caPem = await trustCaFromFile(config);
  const identity = await establishIdentity({
    config,
    logger: service.logger,
    enrollAs,
    signal: service.draining,
  });
  if (identity === undefined) throw new OmegaError(Code.Internal, 'enrollment gave no identity');
  return {
    identity,
    busAuth: identityNatsOptions({
      caPem,
      identity: enrollAs,
      clientCertificate: () => busClientCertificate(identity),
    }),
  };
}

/** Runs a service as a process entry point: a start-up failure is logged and exits non-zero. */
export function main<S extends z.ZodType>(spec: ServiceSpec<S>): void {
  runService(spec).catch((err: unknown) => {
    process.stderr.write(`omega ${spec.name}: failed to start: ${errorMessage(err)}\n`);
    process.exit(1);
  });
}

/** `omega.v1.TrustService` for `trust`: the service a process of that name serves. */
function ownGrpcService(name: ServiceName): grpc.ServiceDefinition[] {
  const fullName = `omega.v1.${name.charAt(0).toUpperCase()}${name.slice(1)}Service`;
  const definition = (serviceDefinitions as Record<string, grpc.ServiceDefinition | undefined>)[
    fullName
  ];
  return definition ? [definition] : [];
}
