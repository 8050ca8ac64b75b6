// Registry of the shared omega.v1 messages (common.proto) by fully-qualified name, so code that
// moves messages without knowing their type statically (the bus, tests) can encode and decode them.
import type { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import {
  Actor,
  Alert,
  AlertReason,
  AuditRef,
  BatchRef,
  DeceptionInteraction,
  Diagnostic,
  DnsActivity,
  DnsAnswer,
  DnsQuery,
  Entity,
  Event,
  EventBatch,
  EvidenceRef,
  File,
  FileActivity,
  Credentials,
  Enforcement,
  KernelExtensionActivity,
  KernelActivity,
  HybridSignature,
  IdentityRef,
  Incident,
  NetworkActivity,
  NetworkEndpoint,
  NetworkTraffic,
  Process,
  ProcessActivity,
  TimeRange,
  User,
  Workload,
} from './gen/omega/v1/common';

/** The codec half of a ts-proto message: its protobuf name and binary/JSON conversions. */
export interface MessageType<T = unknown, TypeName extends string = string> {
  /** Fully-qualified protobuf name, e.g. "omega.v1.Event". */
  readonly $type: TypeName;
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): T;
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
}

/**
 * Every message defined in omega/v1/common.proto (map-entry helpers excluded), in file order.
 * A spec checks this list against the .proto file, so a message added there must be added here.
 */
export const messageTypes: readonly MessageType[] = [
  IdentityRef,
  HybridSignature,
  AuditRef,
  TimeRange,
  Diagnostic,
  Workload,
  User,
  Process,
  Actor,
  NetworkEndpoint,
  NetworkTraffic,
  NetworkActivity,
  DnsQuery,
  DnsAnswer,
  File,
  FileActivity,
  Credentials,
  Enforcement,
  KernelExtensionActivity,
  KernelActivity,
  DnsActivity,
  DeceptionInteraction,
  ProcessActivity,
  Event,
  EventBatch,
  BatchRef,
  EvidenceRef,
  Entity,
  AlertReason,
  Alert,
  Incident,
];

/** `messageTypes` keyed by `$type`. */
export const messageTypesByName: ReadonlyMap<string, MessageType> = new Map(
  messageTypes.map((type) => [type.$type, type]),
);
