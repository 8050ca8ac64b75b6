// Public entry of @omega/proto: the generated omega.v1 messages, enums and grpc-js service
// definitions (flat: every name in the package is unique), plus the registry of shared bus messages.
export * from './gen/omega/v1/common';
export * from './gen/omega/v1/trust';
export * from './gen/omega/v1/intelligence';
export * from './gen/omega/v1/orchestrator';
export * from './gen/omega/v1/deception';
export * from './gen/omega/v1/twin';
export * from './gen/omega/v1/sentinel';
export * from './gen/omega/v1/gateway';
export { FIELD_TAGS } from './gen/field-tags';
export { countTopLevelField } from './field-count';
export { messageTypes, messageTypesByName } from './message-types';
export type { MessageType } from './message-types';
export { serviceDefinitions } from './service-definitions';
export { DESCRIPTOR_SET_BASE64 } from './gen/descriptor-set';
export type { ServiceName } from './service-definitions';
export { encodeMessage, type EncodableType } from './encode-message';
export {
  ProtoWriter,
  varintSize,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
} from './proto-writer';
