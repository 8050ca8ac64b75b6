// Public entry of @omega/testkit: real servers for tests and benchmarks.
export { freePort } from './free-port';
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
export { withNats, type NatsFixture } from './with-nats';
export { readmeExamples, runReadmeExample } from './readme-examples';
