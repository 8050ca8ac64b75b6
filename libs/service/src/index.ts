// Public entry of @omega/service.
export {
  LOCAL_PORTS,
  SERVICE_NAMES,
  GATEWAY_CONSOLE_PORT,
  GATEWAY_WEB_PORT,
  type ServiceName,
} from './local-ports';
export {
  runService,
  main,
  type BuiltService,
  type OwnBusAuthentication,
  type ServiceParts,
  type ServiceSpec,
  type RunningService,
} from './run-service';
export {
  TRUST_CA_KEY,
  busClientCertificate,
  clientCredentialsFor,
  establishIdentity,
  type EnrollAs,
  type ServiceIdentity,
} from './service-identity';
