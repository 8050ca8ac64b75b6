// Prometheus metrics of Kafka ingestion, on the orchestrator's registry.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface KafkaIngestMetrics {
  /** Records read from the topic (each delivery, so redeliveries count again). */
  consumed: Counter<'topic'>;
  /** Records that started a new workflow. */
  started: Counter<'topic'>;
  /** Records whose workflow id already existed: delivered again, or sent twice. */
  duplicates: Counter<'topic'>;
  /** Records dead-lettered, by reason (decode, rejected). */
  rejected: Counter<'topic' | 'reason'>;
  /** Failed start attempts that will be retried (NATS unavailable, timeouts). */
  startRetries: Counter<'topic'>;
  /** Records behind the partition's high watermark as of the last batch, per partition. */
  lag: Gauge<'topic' | 'partition'>;
}

export function kafkaIngestMetrics(registry: Registry): KafkaIngestMetrics {
  return {
    consumed: new Counter({
      name: 'omega_orchestrator_kafka_consumed_total',
      help: 'Kafka task-request records read (redeliveries count again)',
      labelNames: ['topic'],
      registers: [registry],
    }),
    started: new Counter({
      name: 'omega_orchestrator_kafka_started_total',
      help: 'Kafka task requests that started a new workflow',
      labelNames: ['topic'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'omega_orchestrator_kafka_duplicates_total',
      help: 'Kafka task requests whose workflow id already existed (nothing started)',
      labelNames: ['topic'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'omega_orchestrator_kafka_rejected_total',
      help: 'Kafka task requests dead-lettered, by reason (decode, rejected)',
      labelNames: ['topic', 'reason'],
      registers: [registry],
    }),
    startRetries: new Counter({
      name: 'omega_orchestrator_kafka_start_retries_total',
      help: 'Workflow starts from Kafka that failed transiently and were retried',
      labelNames: ['topic'],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'omega_orchestrator_kafka_lag_records',
      help: 'Records between the last processed offset and the high watermark, per partition',
      labelNames: ['topic', 'partition'],
      registers: [registry],
    }),
  };
}
