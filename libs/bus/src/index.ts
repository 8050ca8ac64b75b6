// Public entry of @omega/bus: NATS JetStream done once for every Omega service.
//
// Resources (resources.ts) are ARCHITECTURE.md's streams, KV buckets and object store, plus the
// DLQ stream (`omega.dlq.<stream>.<consumer>`, limits retention, 14 days) that consume() writes
// dead letters to: messages that could not be decoded as the consumer's type, or that failed
// maxDeliver handler attempts. Each dead letter keeps the original bytes and headers (minus
// Nats-*) and adds Omega-Dlq-* headers naming the stream, consumer, subject, sequence, expected
// type, reason and error (with the byte offset when the decoder gave one).
export { activeConsumers, connectBus, type Bus, type ConnectBusOptions } from './connection';
export { consume, type ConsumeOptions, type ConsumerHandle } from './consume';
export {
  ack,
  nak,
  reject,
  term,
  type DeliveryContext,
  type Handler,
  type Outcome,
} from './handler';
export {
  DLQ_HEADERS,
  errorOffset as deadLetterErrorOffset,
  publishDeadLetter,
  type DeadLetter,
  type DeadLetterReason,
  type DeadLetterSource,
} from './dead-letter';
export {
  fileWatchFilter,
  fileWatchKey,
  MAX_WATCHED_PATH_BYTES,
  parseFileWatchKey,
  watchedFilePath,
} from './file-watch-keys';
export { MSG_ID_HEADER, OMEGA_TYPE_HEADER, type MessageType } from './message-type';
export {
  parsePolicyBlockKey,
  POLICY_ALL_NODES,
  policyBlockFilter,
  policyBlockKey,
  policyModuleKey,
  POLICY_MODULES_FILTER,
} from './policy-keys';
export { provision, type ProvisionOptions, type ProvisionReport } from './provision';
export { publish, publishBytes, type PublishOptions } from './publish';
export {
  ALL_RESOURCES,
  DUPLICATE_WINDOW_MS,
  KV_NAMES,
  OBJECT_STORE_NAMES,
  STREAM_NAMES,
  isAppendOnlyStream,
  kvConfig,
  objectStoreConfig,
  streamConfig,
  type KvName,
  type ObjName,
  type ResourceOptions,
  type ResourceSelection,
  type StreamLimits,
  type StreamName,
} from './resources';
export { SERVER_FEATURES, serverSupports, type ServerFeature } from './server-features';
export {
  describeWeakenings,
  requireStreamNotWeakened,
  streamWeakenings,
  type StreamWeakening,
} from './stream-weakening';
export { subjectToken, subjects } from './subjects';
export type { PubAck } from '@nats-io/jetstream';
export type { KV } from '@nats-io/kv';
export type { ObjectStore } from '@nats-io/obj';
export {
  AUTH_CALLOUT_SUBJECT,
  busPermissionsFor,
  inboxPrefixFor,
  type BusIdentity,
  type BusIdentityKind,
  type NatsPermissions,
} from './bus-permissions';
export {
  identityNatsOptions,
  type BusClientCertificate,
  type IdentityConnectionOptions,
  type IdentityNatsOptions,
} from './identity-auth';
export { isDecoyId, newDecoyId } from './decoy-keys';
