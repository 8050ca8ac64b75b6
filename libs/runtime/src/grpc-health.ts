// The standard gRPC health service (grpc.health.v1.Health, from grpc-health-check): the overall
// status "" and one per served service, SERVING only while the service is ready and not draining.
import type * as grpc from '@grpc/grpc-js';
import { HealthImplementation, service as healthServiceDefinition } from 'grpc-health-check';

export type HealthStatus = 'SERVING' | 'NOT_SERVING';

/** The health service's definition, for building a client (grpc.makeGenericClientConstructor). */
export const grpcHealthDefinition = healthServiceDefinition as unknown as grpc.ServiceDefinition;

export class GrpcHealth {
  private readonly implementation: HealthImplementation;
  private readonly names = new Set<string>(['']);
  private status: HealthStatus;

  constructor(initial: HealthStatus = 'NOT_SERVING') {
    this.status = initial;
    this.implementation = new HealthImplementation({ '': initial });
  }

  addToServer(server: grpc.Server): void {
    this.implementation.addToServer(server);
  }

  /** Reports `serviceName` from now on, with the current overall status. */
  track(serviceName: string): void {
    this.names.add(serviceName);
    this.implementation.setStatus(serviceName, this.status);
  }

  /** Sets every tracked name; Watch streams hear the change. */
  setServing(serving: boolean): void {
    const status: HealthStatus = serving ? 'SERVING' : 'NOT_SERVING';
    if (status === this.status) return;
    this.status = status;
    for (const name of this.names) this.implementation.setStatus(name, status);
  }

  get current(): HealthStatus {
    return this.status;
  }
}
