// Orchestrator entry point: durable playbooks (libs/workflow) started by alerts, the API and Kafka.
import { main } from '@omega/service';
import { kafkaIngestConfigSchema } from './kafka/kafka-config';
import { runKafkaIngest } from './kafka/run-kafka-ingest';
import {
  ORCHESTRATOR_RESOURCES,
  buildOrchestrator,
  orchestratorServiceConfigSchema,
} from './orchestrator-service';

main({
  name: 'orchestrator',
  // OMEGA_KAFKA_BROKERS, OMEGA_KAFKA_TOPIC, ... (docs/kafka.md); off while brokers is empty.
  configSchema: orchestratorServiceConfigSchema.extend({ kafka: kafkaIngestConfigSchema }),
  resources: ORCHESTRATOR_RESOURCES,
  build: async (parts) => {
    const { runner } = await buildOrchestrator(parts);
    runKafkaIngest(parts, runner);
  },
});
