// Prometheus metrics of the gateway service, on the service's registry.
import { Gauge, type Registry } from 'prom-client';

export interface GatewayMetrics {
  /** Methods of GatewayService that answer UNIMPLEMENTED: falls to 0 as the service is built. */
  unimplementedMethods: Gauge;
}

export function gatewayMetrics(registry: Registry): GatewayMetrics {
  return {
    unimplementedMethods: new Gauge({
      name: 'omega_gateway_grpc_methods_unimplemented',
      help: 'Methods of GatewayService that answer UNIMPLEMENTED because they are not built yet',
      registers: [registry],
    }),
  };
}
