// The grpc-js service definitions of every omega.v1 service, keyed by fully-qualified service name,
// for code that serves or proxies all of them (the gateway, health and reflection).
import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { DeceptionServiceService } from './gen/omega/v1/deception';
import { GatewayServiceService } from './gen/omega/v1/gateway';
import { IntelligenceServiceService } from './gen/omega/v1/intelligence';
import { OrchestratorServiceService } from './gen/omega/v1/orchestrator';
import { SentinelServiceService } from './gen/omega/v1/sentinel';
import { TrustServiceService } from './gen/omega/v1/trust';
import { TwinServiceService } from './gen/omega/v1/twin';

/** Every service in omega.v1, by fully-qualified name. */
export const serviceDefinitions = {
  'omega.v1.TrustService': TrustServiceService,
  'omega.v1.IntelligenceService': IntelligenceServiceService,
  'omega.v1.OrchestratorService': OrchestratorServiceService,
  'omega.v1.DeceptionService': DeceptionServiceService,
  'omega.v1.TwinService': TwinServiceService,
  'omega.v1.SentinelService': SentinelServiceService,
  'omega.v1.GatewayService': GatewayServiceService,
} as const satisfies Record<string, ServiceDefinition<UntypedServiceImplementation>>;

/** Fully-qualified omega.v1 service names, e.g. "omega.v1.TrustService". */
export type ServiceName = keyof typeof serviceDefinitions;
