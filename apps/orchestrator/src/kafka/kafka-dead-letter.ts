// Dead letters for Kafka task requests: a record that cannot start a workflow goes, bytes
// unchanged, to NATS DLQ (omega.dlq.kafka.<group>, where all of Omega's dead letters are) and,
// when configured, to a Kafka DLQ topic, each saying where it came from and what is wrong.
import type { Producer } from 'kafkajs';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { DLQ_HEADERS, publishBytes, subjects, type Bus } from '@omega/bus';
import { StartPlaybookRequest } from '@omega/proto';
import { recordName, type KafkaRecordRef, type MalformedTaskRequest } from './task-request';

/** NATS headers a Kafka dead letter adds to the Omega-Dlq-* set. */
export const KAFKA_DLQ_HEADERS = {
  topic: 'Omega-Dlq-Kafka-Topic',
  partition: 'Omega-Dlq-Kafka-Partition',
  offset: 'Omega-Dlq-Kafka-Offset',
  /** The record key, base64 (keys are bytes). */
  key: 'Omega-Dlq-Kafka-Key',
  /** Set when the NATS dead letter holds only the first bytes of the value: its full size. */
  truncated: 'Omega-Dlq-Truncated-From',
} as const;

/**
 * Most of a value a NATS dead letter keeps: under NATS's default 1 MiB payload limit with room
 * for the headers. A longer value is cut (and says so); the Kafka DLQ topic keeps it whole.
 */
export const NATS_DLQ_VALUE_MAX_BYTES = 512 * 1024;

/** Stream name used in the dead letter's subject and Omega-Dlq-Stream header. */
export const KAFKA_DLQ_STREAM = 'kafka';

export interface RejectedRecord {
  record: KafkaRecordRef;
  key: Buffer | null;
  value: Buffer | null;
  headers: Readonly<Record<string, string | undefined>>;
  error: MalformedTaskRequest;
}

export interface KafkaDeadLettersOptions {
  bus: Bus;
  groupId: string;
  /** Also produce to this Kafka topic (with `producer`); '' for NATS only. */
  dlqTopic: string;
  producer?: Producer;
}

const HEADER_VALUE_MAX = 1024;

export class KafkaDeadLetters {
  readonly natsSubject: string;

  constructor(private readonly options: KafkaDeadLettersOptions) {
    this.natsSubject = subjects.dlq(KAFKA_DLQ_STREAM, subjectSafe(options.groupId));
  }

  /** Resolves once every configured dead-letter destination has stored the record. */
  async send(letter: RejectedRecord): Promise<void> {
    const { record } = letter;
    const value = letter.value ?? Buffer.alloc(0);
    const headers = this.natsHeaders(letter);
    if (value.length > NATS_DLQ_VALUE_MAX_BYTES) {
      headers.set(KAFKA_DLQ_HEADERS.truncated, String(value.length));
    }
    await publishBytes(
      this.options.bus,
      this.natsSubject,
      value.subarray(0, NATS_DLQ_VALUE_MAX_BYTES),
      {
        headers,
        // A record dead-lettered again after a crash (same partition and offset) is stored once.
        msgId: `dlq:kafka:${this.options.groupId}:${recordName(record)}`,
      },
    );
    const { dlqTopic, producer } = this.options;
    if (dlqTopic && producer) {
      await producer.send({
        topic: dlqTopic,
        acks: -1,
        messages: [
          {
            key: letter.key,
            value: letter.value,
            headers: { ...definedOnly(letter.headers), ...this.kafkaHeaders(letter) },
          },
        ],
      });
    }
  }

  private natsHeaders(letter: RejectedRecord): MsgHdrs {
    const { record, error } = letter;
    const hdrs = natsHeaders();
    for (const [key, value] of Object.entries(letter.headers)) {
      // Kafka header names are any string; NATS takes printable tokens without ':'.
      if (value === undefined || !/^[!-9;-~]+$/.test(key) || /^nats-/i.test(key)) continue;
      hdrs.append(key, oneLine(value));
    }
    hdrs.set(DLQ_HEADERS.reason, error.reason);
    hdrs.set(DLQ_HEADERS.stream, KAFKA_DLQ_STREAM);
    hdrs.set(DLQ_HEADERS.consumer, this.options.groupId);
    hdrs.set(DLQ_HEADERS.subject, record.topic);
    hdrs.set(DLQ_HEADERS.seq, record.offset);
    hdrs.set(DLQ_HEADERS.expectedType, StartPlaybookRequest.$type);
    hdrs.set(DLQ_HEADERS.error, oneLine(error.message));
    if (error.byteOffset !== undefined) hdrs.set(DLQ_HEADERS.errorOffset, String(error.byteOffset));
    hdrs.set(DLQ_HEADERS.time, new Date().toISOString());
    hdrs.set(KAFKA_DLQ_HEADERS.topic, record.topic);
    hdrs.set(KAFKA_DLQ_HEADERS.partition, String(record.partition));
    hdrs.set(KAFKA_DLQ_HEADERS.offset, record.offset);
    if (letter.key) hdrs.set(KAFKA_DLQ_HEADERS.key, letter.key.toString('base64'));
    return hdrs;
  }

  private kafkaHeaders(letter: RejectedRecord): Record<string, string> {
    const { record, error } = letter;
    return {
      'omega-dlq-reason': error.reason,
      'omega-dlq-error': oneLine(error.message),
      ...(error.byteOffset !== undefined
        ? { 'omega-dlq-error-offset': String(error.byteOffset) }
        : {}),
      'omega-dlq-topic': record.topic,
      'omega-dlq-partition': String(record.partition),
      'omega-dlq-offset': record.offset,
      'omega-dlq-group': this.options.groupId,
      'omega-dlq-time': new Date().toISOString(),
    };
  }
}

/** A consumer group id as one NATS subject token ('.', '*', '>' and whitespace become '_'). */
function subjectSafe(value: string): string {
  return value.replace(/[.*>\s]/g, '_');
}

function definedOnly(
  headers: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) if (value !== undefined) out[key] = value;
  return out;
}

/** Header values are one line of bounded length. */
function oneLine(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ').trim();
  return flat.length > HEADER_VALUE_MAX ? `${flat.slice(0, HEADER_VALUE_MAX - 1)}…` : flat;
}
