// The `kafka` section of the orchestrator's configuration: where task requests arrive on Kafka.
// Off unless brokers are set (OMEGA_KAFKA_BROKERS=host:9092,host2:9092).
import { z } from 'zod';

export const kafkaIngestConfigSchema = z
  .strictObject({
    /** Bootstrap brokers, `host:port`; empty (the default) turns Kafka ingestion off. */
    brokers: z.array(z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port')).default([]),
    /** The topic teams send task requests to. */
    topic: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,249}$/, 'not a Kafka topic name')
      .default('omega-task-requests'),
    /** Consumer group; replicas of the orchestrator share the topic's partitions through it. */
    groupId: z.string().min(1).default('omega-orchestrator'),
    clientId: z.string().min(1).default('omega-orchestrator'),
    /**
     * Also produce rejected records to this Kafka topic (bytes, key and headers unchanged, plus
     * omega-dlq-* headers); empty: dead letters go to NATS DLQ only.
     */
    dlqTopic: z
      .string()
      .regex(/^([A-Za-z0-9._-]{1,249})?$/, 'not a Kafka topic name')
      .default(''),
    /** A new group starts at the topic's beginning instead of its end. */
    fromBeginning: z.boolean().default(false),
    /** Workflow starts in flight at once within one partition's batch. */
    maxInFlight: z.int().positive().max(1024).default(64),
    /** Kafka session timeout: a replica silent this long loses its partitions. */
    sessionTimeoutMs: z.int().min(6000).default(30_000),
    /** Longest pause between attempts to start a workflow while NATS is unavailable. */
    maxRetryDelayMs: z.int().positive().default(5_000),
    /** SASL login: '' (none), plain, scram-sha-256 or scram-sha-512, with username and password. */
    saslMechanism: z.enum(['', 'plain', 'scram-sha-256', 'scram-sha-512']).default(''),
    saslUsername: z.string().default(''),
    saslPassword: z.string().default(''),
    /** Connect with TLS (verifying the brokers' certificates). */
    tls: z.boolean().default(false),
    /** PEM file of the CA(s) that signed the brokers' certificates; '' for the system's CAs. */
    tlsCaFile: z.string().default(''),
  })
  .superRefine((config, ctx) => {
    if (config.saslMechanism !== '' && (!config.saslUsername || !config.saslPassword)) {
      ctx.addIssue({
        code: 'custom',
        path: [config.saslUsername ? 'saslPassword' : 'saslUsername'],
        message: `required with saslMechanism ${config.saslMechanism}`,
      });
    }
    if (config.tlsCaFile !== '' && !config.tls) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'must be true when tlsCaFile is set',
      });
    }
  })
  .prefault({});

export type KafkaIngestConfig = z.output<typeof kafkaIngestConfigSchema>;

export function kafkaIngestEnabled(config: KafkaIngestConfig): boolean {
  return config.brokers.length > 0;
}
