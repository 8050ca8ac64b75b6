// Runs Kafka ingestion inside the orchestrator service when `kafka.brokers` is set: joins the
// group in the background (an unreachable Kafka must not stop alerts and the API from working),
// keeps trying until it succeeds, and leaves the group on shutdown.
import type { Bus } from '@omega/bus';
import { errorMessage, type Service } from '@omega/runtime';
import { kafkaIngestEnabled, type KafkaIngestConfig } from './kafka-config';
import { KafkaTaskIngest } from './kafka-ingest';
import { kafkaIngestMetrics } from './kafka-ingest-metrics';
import type { WorkflowStarter } from './workflow-starter';

const RETRY_START_MS = 5_000;

/** Starts the ingest if configured; returns at once (the group is joined in the background). */
export function runKafkaIngest(
  { service, bus }: { service: Service<{ kafka: KafkaIngestConfig }>; bus: Bus },
  starter: WorkflowStarter,
): void {
  const config = service.config.kafka;
  if (!kafkaIngestEnabled(config)) {
    service.logger.debug('kafka ingestion off (kafka.brokers is empty)');
    return;
  }
  const metrics = kafkaIngestMetrics(service.metrics);
  let stopping = false;
  let current: KafkaTaskIngest | undefined;
  void (async () => {
    while (!stopping) {
      current = new KafkaTaskIngest({ config, bus, starter, metrics, logger: service.logger });
      try {
        await current.start();
        return;
      } catch (err) {
        service.logger.error(
          { err, brokers: config.brokers, topic: config.topic },
          `kafka ingestion could not start (retrying in ${RETRY_START_MS} ms): ${errorMessage(err)}`,
        );
        // A half-connected client holds sockets; close it before trying with a fresh one.
        await current
          .stop()
          .catch((stopErr: unknown) =>
            service.logger.debug({ err: stopErr }, 'closing the failed kafka client'),
          );
        await new Promise((resolve) => setTimeout(resolve, RETRY_START_MS).unref());
      }
    }
  })();
  service.onShutdown('kafka ingest', async () => {
    stopping = true;
    await current?.stop();
  });
}
