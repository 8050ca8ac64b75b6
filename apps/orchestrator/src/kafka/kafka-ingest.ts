// Kafka ingestion: a consumer group on the task-request topic starts one workflow per request.
// At-least-once: a partition's offset is committed only past records whose workflow start (or
// dead letter) is durable; exactly one workflow per request id because the request id is the
// workflow id and the engine's start is idempotent on it. A malformed record is dead-lettered and
// the partition moves on; a transient failure (NATS down) is retried, holding the partition.
import {
  Kafka,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import type { Bus } from '@omega/bus';
import { errorMessage, isPermanent, type Logger } from '@omega/runtime';
import { kafkaClientOptions } from './kafka-client-options';
import type { KafkaIngestConfig } from './kafka-config';
import { KafkaDeadLetters } from './kafka-dead-letter';
import type { KafkaIngestMetrics } from './kafka-ingest-metrics';
import { kafkajsLogCreator } from './kafkajs-logger';
import {
  MalformedTaskRequest,
  decodeTaskRequest,
  recordName,
  type KafkaRecordRef,
} from './task-request';
import type { WorkflowStarter } from './workflow-starter';

export interface KafkaIngestOptions {
  config: KafkaIngestConfig;
  bus: Bus;
  starter: WorkflowStarter;
  metrics: KafkaIngestMetrics;
  logger: Logger;
}

/** Partitions a replica works on at once (each with up to maxInFlight starts). */
const PARTITIONS_CONCURRENTLY = 4;
const FIRST_RETRY_DELAY_MS = 100;
const AUTO_COMMIT_INTERVAL_MS = 1_000;

/** Thrown inside a batch when the consumer stops mid-retry: leave the rest uncommitted. */
class StopRequested extends Error {}

export class KafkaTaskIngest {
  private readonly kafka: Kafka;
  private readonly consumer: Consumer;
  private readonly producer: Producer | undefined;
  private readonly deadLetters: KafkaDeadLetters;
  private readonly log: Logger;
  private stopping = false;

  constructor(private readonly options: KafkaIngestOptions) {
    const { config, logger } = options;
    this.log = logger.child({ component: 'kafka-ingest', topic: config.topic });
    this.kafka = new Kafka({
      ...kafkaClientOptions(config),
      logCreator: kafkajsLogCreator(logger),
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 10 },
    });
    this.consumer = this.kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(config.sessionTimeoutMs / 3)),
      // A broker outage longer than the client's retries crashes the consumer; rejoin while we run.
      retry: {
        initialRetryTime: 300,
        maxRetryTime: 10_000,
        retries: 10,
        restartOnFailure: async (err) => {
          this.log.warn({ err }, `kafka consumer failed, rejoining: ${errorMessage(err)}`);
          return !this.stopping;
        },
      },
    });
    this.producer = config.dlqTopic ? this.kafka.producer({ idempotent: true }) : undefined;
    this.deadLetters = new KafkaDeadLetters({
      bus: options.bus,
      groupId: config.groupId,
      dlqTopic: config.dlqTopic,
      ...(this.producer ? { producer: this.producer } : {}),
    });
  }

  /** Joins the group and starts consuming; resolves once the consumer is running. */
  async start(): Promise<void> {
    const { config } = this.options;
    await this.producer?.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: config.topic, fromBeginning: config.fromBeginning });
    await this.consumer.run({
      autoCommit: true,
      // Commit resolved offsets at least this often inside a long batch, not only at its end.
      autoCommitInterval: AUTO_COMMIT_INTERVAL_MS,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
      eachBatch: (payload) => this.processBatch(payload),
    });
    this.log.info(
      { brokers: config.brokers, groupId: config.groupId, dlqTopic: config.dlqTopic || undefined },
      `consuming task requests from kafka topic ${config.topic}`,
    );
  }

  /** Finishes the records in hand (their offsets are committed), then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
    await this.producer?.disconnect();
  }

  /**
   * Keeps up to maxInFlight records of the batch in flight (a sliding window, so one slow start
   * does not idle the rest) and resolves the offset of the longest prefix that is finished: a
   * record's offset is committed only once it and every record before it are durable.
   */
  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } =
      payload;
    const { maxInFlight } = this.options.config;
    const { messages } = batch;
    const alive = () => isRunning() && !isStale() && !this.stopping;
    const finished = new Array<boolean>(messages.length).fill(false);
    let prefix = 0;
    let failure: unknown;
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < messages.length && alive() && failure === undefined; i++) {
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const message = messages[i] as KafkaMessage;
      const record = { topic: batch.topic, partition: batch.partition, offset: message.offset };
      const tracked: Promise<void> = this.processRecord(record, message, heartbeat, alive).then(
        () => {
          finished[i] = true;
          const before = prefix;
          while (prefix < messages.length && finished[prefix]) prefix++;
          if (prefix > before) resolveOffset((messages[prefix - 1] as KafkaMessage).offset);
        },
        (err: unknown) => {
          failure ??= err;
        },
      );
      inFlight.add(tracked);
      void tracked.finally(() => inFlight.delete(tracked));
      if (i % maxInFlight === maxInFlight - 1) {
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    }
    await Promise.all(inFlight);
    if (failure instanceof StopRequested) return;
    if (failure !== undefined) throw failure;
    this.options.metrics.lag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
  }

  private async processRecord(
    record: KafkaRecordRef,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    alive: () => boolean,
  ): Promise<void> {
    const { metrics, starter } = this.options;
    metrics.consumed.inc({ topic: record.topic });
    const headers = headerStrings(message.headers);
    let rejection: MalformedTaskRequest | undefined;
    let request;
    try {
      request = decodeTaskRequest(message.value, headers, record);
    } catch (err) {
      if (!(err instanceof MalformedTaskRequest)) throw err;
      rejection = err;
    }
    if (request) {
      const { request: startRequest, trigger } = request;
      rejection = await this.retrying(record, heartbeat, alive, 'start workflow', async () => {
        try {
          const result = await starter.startWorkflow(startRequest, trigger);
          if (result.created) metrics.started.inc({ topic: record.topic });
          else metrics.duplicates.inc({ topic: record.topic });
          this.log.debug(
            { record: recordName(record), workflowId: result.workflowId, created: result.created },
            result.created ? 'workflow started from kafka' : 'workflow already started',
          );
          return undefined;
        } catch (err) {
          // Errors no retry can fix (isPermanent): the request is dead-lettered instead.
          if (isPermanent(err)) {
            return new MalformedTaskRequest(record, 'rejected', errorMessage(err));
          }
          throw err;
        }
      });
    }
    if (!rejection) return;
    const letter = rejection;
    metrics.rejected.inc({ topic: record.topic, reason: letter.reason });
    this.log.warn(
      { record: recordName(record), reason: letter.reason, byteOffset: letter.byteOffset },
      `${letter.message}; dead-lettered to ${this.deadLetters.natsSubject}`,
    );
    await this.retrying(record, heartbeat, alive, 'dead-letter', () =>
      this.deadLetters.send({
        record,
        key: message.key,
        value: message.value,
        headers,
        error: letter,
      }),
    );
  }

  /** Runs `attempt` until it resolves, backing off and heartbeating while it fails. */
  private async retrying<T>(
    record: KafkaRecordRef,
    heartbeat: () => Promise<void>,
    alive: () => boolean,
    what: string,
    attempt: () => Promise<T>,
  ): Promise<T> {
    let delayMs = FIRST_RETRY_DELAY_MS;
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        if (!alive()) throw new StopRequested();
        this.options.metrics.startRetries.inc({ topic: record.topic });
        this.log.warn(
          { err, record: recordName(record), retryInMs: delayMs },
          `${what} for kafka record ${recordName(record)} failed, retrying: ${errorMessage(err)}`,
        );
        await sleep(delayMs);
        // While the broker is away a heartbeat fails too; the group rejoins once it is back.
        await heartbeat().catch((hbErr: unknown) =>
          this.log.debug({ err: hbErr }, `heartbeat failed: ${errorMessage(hbErr)}`),
        );
        if (!alive()) throw new StopRequested();
        delayMs = Math.min(delayMs * 2, this.options.config.maxRetryDelayMs);
      }
    }
  }
}

/** Kafka header values are bytes (or lists of them); requests read the first as UTF-8. */
function headerStrings(headers: IHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, raw] of Object.entries(headers ?? {})) {
    const first = Array.isArray(raw) ? raw[0] : raw;
    out[key] = first === undefined ? undefined : first.toString();
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
