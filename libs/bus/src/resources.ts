// Omega's JetStream resources declared as code: every stream, KV bucket and object store, with its
// subjects and limits. provision() makes a server match these declarations.
//
// Names follow ARCHITECTURE.md, plus one it does not list: the DLQ stream (`omega.dlq.<stream>.
// <consumer>`, limits retention) that holds dead letters — messages a durable consumer could not
// decode, or that failed maxDeliver times — with headers naming where they came from and why.
import type { StreamConfig } from '@nats-io/jetstream';
import { Code, OmegaError } from '@omega/runtime';

export const STREAM_NAMES = [
  'TELEMETRY',
  'ALERTS',
  'TASKS',
  'WORKFLOWS',
  'AUDIT',
  'DECEPTION',
  'DLQ',
] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

export const KV_NAMES = [
  'omega_policy',
  'omega_identities',
  'omega_decoys',
  'omega_tokens',
  'omega_playbooks',
  'omega_gateway_tokens',
  'omega_twin',
] as const;
export type KvName = (typeof KV_NAMES)[number];

export const OBJECT_STORE_NAMES = ['omega_modules'] as const;
export type ObjName = (typeof OBJECT_STORE_NAMES)[number];

/** Which resources a service uses; provision() creates or updates exactly these. */
export interface ResourceSelection {
  streams?: readonly StreamName[];
  kv?: readonly KvName[];
  objectStores?: readonly ObjName[];
}

/** Every declared resource. */
export const ALL_RESOURCES = {
  streams: STREAM_NAMES,
  kv: KV_NAMES,
  objectStores: OBJECT_STORE_NAMES,
} as const satisfies Required<ResourceSelection>;

/** The limits of a stream that deployments tune (Helm values), each with a declared default. */
export interface StreamLimits {
  /** Oldest message kept; 0 keeps messages forever. */
  maxAgeMs: number;
  /** Stream size cap; -1 is unlimited. File-store bytes are reserved on the server up front. */
  maxBytes: number;
  /** Largest single message accepted. */
  maxMsgSizeBytes: number;
  /** S2 compression of the file store (nats-server ≥ 2.10). */
  compression: boolean;
}

/** Options that shape every declared resource: replica count, per-stream limit overrides. */
export interface ResourceOptions {
  /** Replicas for every stream, bucket and store (1 on one server; the Helm chart sets 3). */
  replicas?: number;
  /** Overrides of the declared limits, per stream. */
  streamLimits?: Partial<Record<StreamName, Partial<StreamLimits>>>;
}

interface StreamDeclaration {
  description: string;
  subjects: string[];
  retention: 'limits' | 'workqueue';
  /** 'new' refuses publishes when full (the publisher sees it); 'old' ages out the oldest. */
  discard: 'old' | 'new';
  limits: StreamLimits;
  /** Append-only streams: messages cannot be deleted or purged through the API (irreversible). */
  appendOnly?: boolean;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MAX_MSG = 1 * MiB;

/** JetStream de-duplicates on Nats-Msg-Id within this window. */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;

const STREAMS: Record<StreamName, StreamDeclaration> = {
  TELEMETRY: {
    description: 'Sentinel telemetry batches (omega.telemetry.<kind>.<node>)',
    subjects: ['omega.telemetry.>'],
    retention: 'limits',
    discard: 'old',
    limits: { maxAgeMs: DAY_MS, maxBytes: 2 * GiB, maxMsgSizeBytes: MAX_MSG, compression: false },
  },
  ALERTS: {
    description: 'Alerts raised by intelligence (omega.alerts.<severity>)',
    subjects: ['omega.alerts.>'],
    retention: 'limits',
    discard: 'old',
    limits: {
      maxAgeMs: 30 * DAY_MS,
      maxBytes: 1 * GiB,
      maxMsgSizeBytes: MAX_MSG,
      compression: false,
    },
  },
  TASKS: {
    description: 'Playbook actions for workers (omega.tasks.<playbook>); work queue',
    subjects: ['omega.tasks.>'],
    retention: 'workqueue',
    // A full task queue must push back on the publisher, never drop an unexecuted action.
    discard: 'new',
    limits: {
      maxAgeMs: 7 * DAY_MS,
      maxBytes: 256 * MiB,
      maxMsgSizeBytes: MAX_MSG,
      compression: false,
    },
  },
  WORKFLOWS: {
    description: 'Workflow event histories, one subject per workflow (omega.wf.<workflowId>)',
    subjects: ['omega.wf.>'],
    retention: 'limits',
    // Dropping old events would corrupt a running workflow's history; refuse new ones instead.
    discard: 'new',
    limits: {
      maxAgeMs: 90 * DAY_MS,
      maxBytes: 1 * GiB,
      maxMsgSizeBytes: MAX_MSG,
      compression: false,
    },
  },
  AUDIT: {
    description: 'Merkle audit log leaves and signed checkpoints',
    subjects: ['omega.audit.leaves', 'omega.audit.checkpoints'],
    retention: 'limits',
    discard: 'new',
    // The log is append-only and kept forever: inclusion proofs need every leaf.
    limits: { maxAgeMs: 0, maxBytes: -1, maxMsgSizeBytes: MAX_MSG, compression: false },
    appendOnly: true,
  },
  DECEPTION: {
    description: 'Honeypot and honeytoken interaction events (omega.deception.<decoy>)',
    subjects: ['omega.deception.>'],
    retention: 'limits',
    discard: 'old',
    limits: {
      maxAgeMs: 30 * DAY_MS,
      maxBytes: 512 * MiB,
      maxMsgSizeBytes: MAX_MSG,
      compression: false,
    },
  },
  DLQ: {
    description: 'Dead letters: undecodable or exhausted messages (omega.dlq.<stream>.<consumer>)',
    subjects: ['omega.dlq.>'],
    retention: 'limits',
    discard: 'old',
    limits: {
      maxAgeMs: 14 * DAY_MS,
      maxBytes: 256 * MiB,
      maxMsgSizeBytes: 2 * MAX_MSG,
      compression: false,
    },
  },
};

interface KvDeclaration {
  description: string;
  /** Values kept per key. */
  history: number;
  maxBytes: number;
  maxValueSizeBytes: number;
}

const KV_BUCKETS: Record<KvName, KvDeclaration> = {
  omega_policy: {
    description: 'Enforcement state the sentinels watch (block lists, module assignments)',
    history: 10,
    maxBytes: 64 * MiB,
    maxValueSizeBytes: MAX_MSG,
  },
  omega_identities: {
    description: 'Identities issued by trust (public keys, roles)',
    history: 5,
    maxBytes: 64 * MiB,
    maxValueSizeBytes: MAX_MSG,
  },
  omega_decoys: {
    description: 'Deployed decoys and their state',
    history: 5,
    maxBytes: 64 * MiB,
    maxValueSizeBytes: MAX_MSG,
  },
  omega_tokens: {
    description: 'Honeytokens issued, for tripwire lookups',
    history: 1,
    maxBytes: 64 * MiB,
    maxValueSizeBytes: MAX_MSG,
  },
  omega_playbooks: {
    description: 'Response playbooks the orchestrator runs (YAML source per playbook id)',
    history: 10,
    maxBytes: 64 * MiB,
    maxValueSizeBytes: MAX_MSG,
  },
  omega_gateway_tokens: {
    description:
      'Bearer tokens the gateway issued (trust-signed claims, revocations; never secrets)',
    history: 5,
    maxBytes: 64 * MiB,
    maxValueSizeBytes: MAX_MSG,
  },
  omega_twin: {
    description:
      'The twin’s observed state: flows seen in TELEMETRY (count, last seen) and alerted vertices',
    history: 1,
    maxBytes: 64 * MiB,
    maxValueSizeBytes: 4 * 1024,
  },
};

interface ObjectStoreDeclaration {
  description: string;
  maxBytes: number;
}

const OBJECT_STORES: Record<ObjName, ObjectStoreDeclaration> = {
  omega_modules: { description: 'Signed WASM detection modules', maxBytes: 1 * GiB },
};

/** The stream configuration fields provision() declares (and so compares against the server). */
export type DeclaredStreamConfig = Pick<
  StreamConfig,
  | 'name'
  | 'description'
  | 'subjects'
  | 'retention'
  | 'storage'
  | 'discard'
  | 'max_age'
  | 'max_bytes'
  | 'max_msg_size'
  | 'max_msgs'
  | 'max_msgs_per_subject'
  | 'duplicate_window'
  | 'num_replicas'
  | 'allow_direct'
  | 'allow_rollup_hdrs'
  | 'deny_delete'
  | 'deny_purge'
> & { compression?: 'none' | 's2' };

/** The configuration provision() gives stream `name`. */
export function streamConfig(
  name: StreamName,
  options: ResourceOptions = {},
): DeclaredStreamConfig {
  const declared = STREAMS[name];
  if (!declared) throw new OmegaError(Code.InvalidArgument, `unknown stream ${name}`);
  const limits = { ...declared.limits, ...options.streamLimits?.[name] };
  const config: DeclaredStreamConfig = {
    name,
    description: declared.description,
    subjects: [...declared.subjects],
    retention: declared.retention,
    storage: 'file',
    discard: declared.discard,
    max_age: msToNanos(limits.maxAgeMs),
    max_bytes: limits.maxBytes,
    max_msg_size: limits.maxMsgSizeBytes,
    max_msgs: -1,
    max_msgs_per_subject: -1,
    duplicate_window: msToNanos(DUPLICATE_WINDOW_MS),
    num_replicas: replicasOf(options),
    allow_direct: true,
    allow_rollup_hdrs: false,
    deny_delete: declared.appendOnly === true,
    deny_purge: declared.appendOnly === true,
  };
  // Only sent when asked for: servers before 2.10 do not know the field.
  if (limits.compression) config.compression = 's2';
  return config;
}

/**
 * Whether stream `name` is append-only (AUDIT): provision() refuses it weakened instead of
 * updating it, since the weakening may already have erased messages.
 */
export function isAppendOnlyStream(name: StreamName): boolean {
  return STREAMS[name]?.appendOnly === true;
}

/** The bucket options provision() gives KV bucket `name` (in @nats-io/kv's terms). */
export function kvConfig(name: KvName, options: ResourceOptions = {}) {
  const declared = KV_BUCKETS[name];
  if (!declared) throw new OmegaError(Code.InvalidArgument, `unknown KV bucket ${name}`);
  return {
    description: declared.description,
    history: declared.history,
    max_bytes: declared.maxBytes,
    maxValueSize: declared.maxValueSizeBytes,
    replicas: replicasOf(options),
    storage: 'file' as const,
  };
}

/** The options provision() gives object store `name` (in @nats-io/obj's terms). */
export function objectStoreConfig(name: ObjName, options: ResourceOptions = {}) {
  const declared = OBJECT_STORES[name];
  if (!declared) throw new OmegaError(Code.InvalidArgument, `unknown object store ${name}`);
  return {
    description: declared.description,
    max_bytes: declared.maxBytes,
    replicas: replicasOf(options),
    storage: 'file' as const,
  };
}

/** The stream backing a KV bucket or an object store (naming fixed by the NATS KV/OBJ specs). */
export const kvStreamName = (bucket: string): string => `KV_${bucket}`;
export const objectStoreStreamName = (store: string): string => `OBJ_${store}`;

function replicasOf(options: ResourceOptions): number {
  const replicas = options.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
    throw new OmegaError(
      Code.InvalidArgument,
      `replicas must be an integer from 1 to 5 (JetStream's range), got ${replicas}`,
    );
  }
  return replicas;
}

function msToNanos(ms: number): number {
  return ms * 1_000_000;
}
