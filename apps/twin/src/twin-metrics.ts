// Prometheus metrics of the twin service, on the service's registry.
import { Gauge, type Registry } from 'prom-client';

export interface TwinMetrics {
  /** Methods of TwinService that answer UNIMPLEMENTED: falls to 0 as the service is built. */
  unimplementedMethods: Gauge;
}

export function twinMetrics(registry: Registry): TwinMetrics {
  return {
    unimplementedMethods: new Gauge({
      name: 'omega_twin_grpc_methods_unimplemented',
      help: 'Methods of TwinService that answer UNIMPLEMENTED because they are not built yet',
      registers: [registry],
    }),
  };
}
