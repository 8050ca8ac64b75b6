// The ports each service uses when every part runs on one machine (ARCHITECTURE.md, "Names").
import type { ServiceDefaults } from '@omega/runtime';

export const SERVICE_NAMES = [
  'gateway',
  'trust',
  'intelligence',
  'orchestrator',
  'deception',
  'twin',
  'sentinel',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

const METRICS_BASE_PORT = 9464;
const GRPC_PORTS: Record<ServiceName, number> = {
  gateway: 50051,
  trust: 50052,
  intelligence: 50053,
  orchestrator: 50054,
  deception: 50055,
  twin: 50056,
  sentinel: 50057,
};

/** gRPC port and metrics/health HTTP port (9464 + the service's index) for each service. */
export const LOCAL_PORTS: Record<ServiceName, ServiceDefaults> = Object.fromEntries(
  SERVICE_NAMES.map((name, index) => [
    name,
    { grpcPort: GRPC_PORTS[name], httpPort: METRICS_BASE_PORT + index },
  ]),
) as Record<ServiceName, ServiceDefaults>;

/** The gateway's browser protocol port (Connect, gRPC-Web): its gRPC port + 7, after sentinel's. */
export const GATEWAY_WEB_PORT = GRPC_PORTS.gateway + 7;

/** The gateway's own HTTP port for the console's JSON/SSE API (distinct from its metrics port). */
export const GATEWAY_CONSOLE_PORT = 8080;
