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
export {
  BatchGate,
  GATE_REJECTIONS,
  RECEIVED_BATCH,
  SIGNATURE_POLICIES,
  type Admission,
  type BatchGateOptions,
  type GateRejection,
  type SignaturePolicy,
} from './batch-gate';
export { SenderDirectory, type SenderDirectoryOptions } from './sender-directory';
