// Boots one Omega service: the runtime harness first (health answers at once), then the bus with
// its declared resources, then the service's own parts; ready only when all of them are.
import type { z } from 'zod';
import { connectBus, provision, type Bus, type ResourceSelection } from '@omega/bus';
import { baseConfigSchema, errorMessage, startService, type Service } from '@omega/runtime';
import { LOCAL_PORTS, type ServiceName } from './local-ports';

export interface ServiceSpec<S extends z.ZodType> {
  name: ServiceName;
  /** An extension of baseConfigSchema with the service's own settings. */
  configSchema?: S;
  /** JetStream streams, KV buckets and object stores this service uses; provisioned idempotently. */
  resources: ResourceSelection;
  /** Adds the service's gRPC handlers and consumers once the bus is connected. */
  build(parts: { service: Service<z.output<S>>; bus: Bus }): Promise<void> | void;
  env?: NodeJS.ProcessEnv;
  argv?: string[];
  installSignalHandlers?: boolean;
}

export interface RunningService<C> {
  service: Service<C>;
  bus: Bus;
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
  service.setReady('bus', false, 'connecting to NATS');
  service.setReady('parts', false, 'not built');
  const { grpcPort, httpPort } = await service.listen();

  const config = service.config as z.output<typeof baseConfigSchema>;
  const bus = await connectBus({
    servers: config.nats.servers,
    name: config.nats.name ?? `omega-${spec.name}`,
    logger: service.logger,
    onReadyChange: (ready) =>
      service.setReady('bus', ready, ready ? undefined : 'NATS not connected'),
  });
  service.onShutdown('bus', () => bus.drain());
  service.setReady('bus', true);

  const report = await provision(bus, spec.resources);
  service.logger.info({ resources: report }, 'bus resources provisioned');

  try {
    await spec.build({ service, bus });
  } catch (err) {
    service.logger.fatal({ err }, `building ${spec.name} failed: ${errorMessage(err)}`);
    await service.shutdown('start-up failed');
    throw err;
  }
  service.setReady('parts', true);
  service.logger.info({ grpcPort, httpPort }, `${spec.name} ready`);
  return { service, bus, grpcPort, httpPort };
}

/** Runs a service as a process entry point: a start-up failure is logged and exits non-zero. */
export function main<S extends z.ZodType>(spec: ServiceSpec<S>): void {
  runService(spec).catch((err: unknown) => {
    process.stderr.write(`omega ${spec.name}: failed to start: ${errorMessage(err)}\n`);
    process.exit(1);
  });
}
