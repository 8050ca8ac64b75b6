// The durable consumer behind consume(): its declared configuration, and creating or updating it
// on the server so that it matches (the consumer counterpart of provision()).
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  ReplayPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { Code, OmegaError } from '@omega/runtime';
import type { Bus } from './connection';
import { requireServerFeature } from './server-features';

/** The stream dead letters go to. */
export const DLQ_STREAM = 'DLQ';

/** The consume() options that shape the consumer on the server. */
export interface ConsumerSettings {
  filterSubject?: string;
  ackWaitMs?: number;
  maxAckPending?: number;
}

/**
 * The configuration of durable `durable`. max_deliver is one more than the handler attempts:
 * the extra delivery is dead-lettered without calling the handler (see consume.ts).
 */
export function consumerConfig(
  durable: string,
  maxDeliver: number,
  settings: ConsumerSettings,
): Partial<ConsumerConfig> {
  const config: Partial<ConsumerConfig> = {
    durable_name: durable,
    description: `@omega/bus consumer; handler attempts ${maxDeliver}, +1 delivery reserved for dead-lettering`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    max_deliver: maxDeliver + 1,
    ack_wait: nanos(settings.ackWaitMs ?? 30_000),
    max_ack_pending: settings.maxAckPending ?? 1000,
  };
  if (settings.filterSubject) config.filter_subject = settings.filterSubject;
  return config;
}

/**
 * Creates the consumer if absent or updates the fields that drifted; returns 'created' or the
 * updated fields ([] when it already matched). `where` names the consumer in errors.
 */
export async function ensureConsumer(
  bus: Bus,
  stream: string,
  desired: Partial<ConsumerConfig>,
  serverVersion: string,
  where: string,
): Promise<'created' | string[]> {
  const durable = desired.durable_name as string;
  let current: ConsumerInfo | undefined;
  try {
    current = await bus.jsm.consumers.info(stream, durable);
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) {
      throw consumerError(err, where, 'reading the consumer', stream);
    }
  }
  if (!current) {
    try {
      await bus.jsm.consumers.add(stream, desired);
      return 'created';
    } catch (err) {
      throw consumerError(err, where, 'creating the consumer', stream);
    }
  }
  const drifted = consumerDrift(desired, current.config);
  if (drifted.length === 0) return [];
  const fixed = drifted.filter((field) => field === 'deliver_policy' || field === 'ack_policy');
  if (fixed.length > 0) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${where}: exists with ${fixed.join(', ')} different from the declared one, which cannot ` +
        `change in place; delete the consumer or choose another durable name`,
    );
  }
  if (drifted.includes('filter_subject')) {
    requireServerFeature(serverVersion, 'consumerFilterUpdate', where);
  }
  const update: Record<string, unknown> = {};
  for (const field of drifted) update[field] = (desired as Record<string, unknown>)[field] ?? '';
  try {
    await bus.jsm.consumers.update(stream, durable, update);
  } catch (err) {
    throw consumerError(err, where, `updating ${drifted.join(', ')}`, stream);
  }
  return drifted;
}

/** Fails (FailedPrecondition) unless the DLQ stream exists, saying how to get it. */
export async function requireDlqStream(bus: Bus, where: string): Promise<void> {
  try {
    await bus.jsm.streams.info(DLQ_STREAM);
  } catch (err) {
    if (isApiError(err, JetStreamApiCodes.StreamNotFound)) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `${where}: dead-lettering needs the ${DLQ_STREAM} stream; provision it ` +
          `(provision(bus, { streams: ['${DLQ_STREAM}'] })) or pass deadLetter: false`,
        { cause: err },
      );
    }
    throw OmegaError.wrap(err, `${where}: reading stream ${DLQ_STREAM}`, Code.Unavailable);
  }
}

/** The declared consumer fields whose server value differs. */
export function consumerDrift(desired: Partial<ConsumerConfig>, server: ConsumerConfig): string[] {
  const drifted: string[] = [];
  for (const [field, want] of Object.entries(desired)) {
    if (field === 'durable_name' || field === 'filter_subject' || want === undefined) continue;
    if (want !== (server as unknown as Record<string, unknown>)[field]) drifted.push(field);
  }
  // No filter is '' or absent; newer servers may report a single filter in filter_subjects.
  const serverFilter = server.filter_subject || server.filter_subjects?.[0] || '';
  if ((desired.filter_subject ?? '') !== serverFilter) drifted.push('filter_subject');
  return drifted;
}

function consumerError(err: unknown, where: string, doing: string, stream: string): OmegaError {
  if (isApiError(err, JetStreamApiCodes.StreamNotFound)) {
    return new OmegaError(
      Code.NotFound,
      `${where}: ${doing}: stream ${stream} does not exist; provision it first`,
      { cause: err },
    );
  }
  return OmegaError.wrap(err, `${where}: ${doing}`, Code.FailedPrecondition);
}

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}
