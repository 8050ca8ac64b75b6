// Public entry of @omega/service.
export { LOCAL_PORTS, SERVICE_NAMES, GATEWAY_CONSOLE_PORT, type ServiceName } from './local-ports';
export { runService, main, type ServiceSpec, type RunningService } from './run-service';
