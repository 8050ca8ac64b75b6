// Orchestrator entry point: durable playbooks (libs/workflow) started by alerts, the API and Kafka.
import { main } from '@omega/service';
import {
  ORCHESTRATOR_RESOURCES,
  buildOrchestrator,
  orchestratorServiceConfigSchema,
} from './orchestrator-service';

main({
  name: 'orchestrator',
  configSchema: orchestratorServiceConfigSchema,
  resources: ORCHESTRATOR_RESOURCES,
  build: async (parts) => {
    await buildOrchestrator(parts);
  },
});
