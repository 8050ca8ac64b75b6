// Orchestrator entry point. Durable playbooks arrive with issue #6; until then its RPCs answer UNIMPLEMENTED.
import { OrchestratorServiceService } from '@omega/proto';
import { unimplementedService } from '@omega/runtime';
import { main } from '@omega/service';

main({
  name: 'orchestrator',
  resources: { streams: ['ALERTS', 'TASKS', 'WORKFLOWS', 'DLQ'], kv: ['omega_policy'] },
  build: ({ service }) => {
    service.addGrpcService(
      OrchestratorServiceService,
      unimplementedService(OrchestratorServiceService),
    );
  },
});
