// Public entry of @omega/testkit: real servers for tests and benchmarks.
export { freePort } from './free-port';
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
