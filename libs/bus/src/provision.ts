// Makes the server's streams, KV buckets and object stores match resources.ts: creates what is
// missing, updates what drifted, leaves the rest alone, and says which was which.
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type StreamConfig,
  type StreamInfo,
  type StreamUpdateConfig,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { Bus } from './connection';
import {
  isAppendOnlyStream,
  kvConfig,
  kvStreamName,
  objectStoreConfig,
  objectStoreStreamName,
  streamConfig,
  type ResourceOptions,
  type ResourceSelection,
} from './resources';
import { requireJetStream, requireServerFeature, serverSupports } from './server-features';
import { requireStreamNotWeakened } from './stream-weakening';

export interface ProvisionOptions extends ResourceSelection, ResourceOptions {}

/** What provision() did, per resource (`stream TELEMETRY`, `kv omega_policy`, `objectStore …`). */
export interface ProvisionReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** For each updated resource, the fields that differed from the declaration. */
  changes: Record<string, string[]>;
}

/** The server answers this when a stream exists with another configuration. */
const STREAM_NAME_IN_USE = 10058;

/** Fields JetStream cannot change on an existing stream. */
const IMMUTABLE_FIELDS = new Set(['retention', 'storage']);

/**
 * Creates the selected resources if absent, updates them if their configuration drifted, and
 * leaves equal ones alone; running it twice gives a second report with everything unchanged.
 * Replicas default to the bus's (`connectBus({ replicas })`).
 */
export async function provision(
  bus: Bus,
  options: ProvisionOptions = {},
): Promise<ProvisionReport> {
  const version = requireJetStream(bus.nc, 'provision');
  const resourceOptions: ResourceOptions = {
    replicas: options.replicas ?? bus.replicas,
    ...(options.streamLimits ? { streamLimits: options.streamLimits } : {}),
  };
  const report: ProvisionReport = { created: [], updated: [], unchanged: [], changes: {} };
  const record = (ref: string, outcome: Outcome) => {
    report[outcome.action].push(ref);
    if (outcome.action === 'updated') report.changes[ref] = outcome.fields;
  };

  for (const name of options.streams ?? []) {
    const ref = `stream ${name}`;
    const desired = streamConfig(name, resourceOptions);
    if (desired.compression) requireServerFeature(version, 'streamCompression', ref);
    const { name: _name, ...fields } = desired;
    record(
      ref,
      await ensureStream(
        bus,
        ref,
        name,
        fields,
        version,
        async () => {
          await bus.jsm.streams.add(desired);
        },
        isAppendOnlyStream(name)
          ? (found) => requireStreamNotWeakened(name, desired, found)
          : undefined,
      ),
    );
  }

  for (const name of options.kv ?? []) {
    const ref = `kv ${name}`;
    const config = kvConfig(name, resourceOptions);
    const fields = {
      description: config.description,
      max_msgs_per_subject: config.history,
      max_bytes: config.max_bytes,
      max_msg_size: config.maxValueSize,
      num_replicas: config.replicas,
      storage: config.storage,
    };
    record(
      ref,
      await ensureStream(bus, ref, kvStreamName(name), fields, version, async () => {
        await new Kvm(bus.js).create(name, config);
      }),
    );
  }

  for (const name of options.objectStores ?? []) {
    const ref = `objectStore ${name}`;
    const config = objectStoreConfig(name, resourceOptions);
    const fields = {
      description: config.description,
      max_bytes: config.max_bytes,
      num_replicas: config.replicas,
      storage: config.storage,
    };
    record(
      ref,
      await ensureStream(bus, ref, objectStoreStreamName(name), fields, version, async () => {
        await new Objm(bus.js).create(name, config);
      }),
    );
  }
  return report;
}

type Outcome =
  { action: 'created' } | { action: 'unchanged' } | { action: 'updated'; fields: string[] };

type DeclaredFields = Partial<Record<keyof StreamConfig, unknown>>;

/** Brings the stream behind `ref` to the declared fields; `create` makes it when it is absent. */
async function ensureStream(
  bus: Bus,
  ref: string,
  stream: string,
  declared: DeclaredFields,
  serverVersion: string,
  create: () => Promise<void>,
  /** Throws when an existing stream's configuration must not be updated (a weakened AUDIT). */
  checkExisting?: (found: StreamConfig) => void,
): Promise<Outcome> {
  let current = await streamInfo(bus, ref, stream);
  if (!current) {
    try {
      await create();
      return { action: 'created' };
    } catch (err) {
      // Another replica of the service may have created it a moment ago: compare with that.
      if (!(err instanceof JetStreamApiError && err.code === STREAM_NAME_IN_USE)) {
        throw OmegaError.wrap(
          err,
          `provision: ${ref}: creating it failed`,
          Code.FailedPrecondition,
        );
      }
      current = await streamInfo(bus, ref, stream);
      if (!current) throw OmegaError.wrap(err, `provision: ${ref}: creating it failed`);
    }
  }

  checkExisting?.(current.config);
  const drifted = driftedFields(declared, current.config, serverVersion);
  if (drifted.length === 0) return { action: 'unchanged' };
  const fixed = drifted.filter((field) => IMMUTABLE_FIELDS.has(field));
  if (fixed.length > 0) {
    const detail = fixed
      .map(
        (f) =>
          `${f} is ${show(serverValue(current.config, f))} on the server, declared ${show(declared[f as keyof StreamConfig])}`,
      )
      .join('; ');
    throw new OmegaError(
      Code.FailedPrecondition,
      `provision: ${ref}: ${detail}. JetStream cannot change ${fixed.join(', ')} of an existing ` +
        `stream; migrate it (create a new stream, move consumers, delete the old one)`,
    );
  }
  const update: Partial<StreamUpdateConfig> = {};
  for (const field of drifted) {
    (update as Record<string, unknown>)[field] =
      declared[field as keyof StreamConfig] ?? SERVER_DEFAULTS[field];
  }
  try {
    await bus.jsm.streams.update(stream, update);
  } catch (err) {
    throw OmegaError.wrap(
      err,
      `provision: ${ref}: updating ${drifted.join(', ')} failed`,
      Code.FailedPrecondition,
    );
  }
  return { action: 'updated', fields: drifted };
}

async function streamInfo(bus: Bus, ref: string, stream: string): Promise<StreamInfo | undefined> {
  try {
    return await bus.jsm.streams.info(stream);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
      return undefined;
    }
    throw OmegaError.wrap(err, `provision: ${ref}: reading stream ${stream}`, Code.Unavailable);
  }
}

/** The declared fields whose server value differs (defaults the server omits count as equal). */
export function driftedFields(
  declared: DeclaredFields,
  server: StreamConfig,
  serverVersion: string,
): string[] {
  const drifted: string[] = [];
  for (const [field, want] of Object.entries(declared)) {
    if (want === undefined) continue;
    const have = serverValue(server, field);
    if (Array.isArray(want)) {
      const a = [...want].map(String).sort().join('\n');
      const b = Array.isArray(have) ? [...have].map(String).sort().join('\n') : '';
      if (a !== b) drifted.push(field);
    } else if (want !== have) {
      drifted.push(field);
    }
  }
  // Compression is declared only when on; a server that knows the field must then report 'none'.
  if (
    declared.compression === undefined &&
    serverSupports(serverVersion, 'streamCompression') &&
    serverValue(server, 'compression') !== 'none'
  ) {
    drifted.push('compression');
  }
  return drifted;
}

const SERVER_DEFAULTS: Record<string, unknown> = {
  description: '',
  compression: 'none',
  allow_direct: false,
  allow_rollup_hdrs: false,
  deny_delete: false,
  deny_purge: false,
};

function serverValue(config: StreamConfig, field: string): unknown {
  const value = (config as unknown as Record<string, unknown>)[field];
  return value === undefined ? SERVER_DEFAULTS[field] : value;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (err) {
    return `<${errorMessage(err)}>`;
  }
}
