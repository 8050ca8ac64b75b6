// Prometheus metrics of the deception service, on the service's registry.
import { Gauge, type Registry } from 'prom-client';

export interface DeceptionMetrics {
  /** Methods of DeceptionService that answer UNIMPLEMENTED: falls to 0 as the service is built. */
  unimplementedMethods: Gauge;
}

export function deceptionMetrics(registry: Registry): DeceptionMetrics {
  return {
    unimplementedMethods: new Gauge({
      name: 'omega_deception_grpc_methods_unimplemented',
      help: 'Methods of DeceptionService that answer UNIMPLEMENTED because they are not built yet',
      registers: [registry],
    }),
  };
}
