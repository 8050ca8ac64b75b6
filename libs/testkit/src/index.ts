// Public entry of @omega/testkit: real servers for tests and benchmarks.
export { freePort } from './free-port';
export { GRPCURL_VERSION, grpcurl, grpcurlBinary, type GrpcurlRun } from './grpcurl';
export {
  KAFKA_SETUP_COMMAND,
  KAFKA_VERSION,
  findJava,
  kafkaLibsDir,
  startKafkaBroker,
  type KafkaBroker,
  type KafkaBrokerOptions,
} from './kafka-broker';
export {
  NATS_SERVER_INSTALL_COMMAND,
  NATS_SERVER_VERSION,
  findNatsServerBinary,
  startNatsServer,
  type NatsServer,
  type NatsServerOptions,
} from './nats-server';
export {
  TRUST_MAIN,
  startTrust,
  type TrustProcess,
  type TrustProcessOptions,
} from './trust-process';
export { withNats, type NatsFixture } from './with-nats';
export { readmeExamples, runReadmeExample } from './readme-examples';
export {
  KUBE_APISERVER_BUILD_COMMAND,
  KUBE_APISERVER_VERSION,
  KUBE_SERVICE_ACCOUNT_ISSUER,
  findKubeApiServerBinaries,
  startKubeApiServer,
  type KubeApiServer,
  type KubeApiServerBinaries,
  type KubeApiServerOptions,
  type ServiceAccountAccess,
  type ServiceAccountTokenOptions,
} from './kube-api-server';
export { loadKubernetesClient, type KubernetesClient } from './kubernetes-client';
export {
  SECRET_READS_AUDIT_POLICY,
  type KubeWebhookTarget,
  type KubeWebhooks,
} from './kube-webhooks';
export { KUBE_WEBHOOK_CLIENT_NAME, writeWebhookPki, type WebhookPki } from './kube-pki';
export { eventually } from './eventually';
export {
  ALERTMANAGER_BINARY,
  startAlertmanager,
  type Alertmanager,
  type AlertmanagerAlert,
} from './alertmanager';
export {
  RSYSLOGD_BINARY,
  startRsyslog,
  type Rsyslog,
  type RsyslogMessage,
  type RsyslogOptions,
} from './rsyslog';
export { localServiceEnv, unaryAnswers, type UnaryAnswer } from './service-answers';
export { documentedRoles, type DocumentedRole } from './gateway-roles-doc';
export { twinGymPython } from './twin-gym-python';
export {
  CYCLONUS_VERSION,
  cyclonusBinary,
  cyclonusProbe,
  parseProbeOutput,
  type CyclonusModel,
  type CyclonusPod,
  type CyclonusTables,
} from './cyclonus';
export { DEFAULT_LOCK_DIR, reservePortOffset, stackPorts, type PortOffset } from './port-offset';
export {
  OTELCOL_BUILD_COMMAND,
  OTELCOL_VERSION,
  otelCollectorBinary,
  startOtelCollector,
  type CollectedSpan,
  type OtelCollector,
} from './otel-collector';
