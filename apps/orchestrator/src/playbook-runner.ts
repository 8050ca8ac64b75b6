// Starts playbooks as workflows, from an alert (one workflow per alert and playbook, so a
// redelivered alert starts nothing new), an API call or a Kafka record. The one start function
// every trigger goes through: PlaybookRunner.startWorkflow (the Kafka ingest's WorkflowStarter).
import { randomUUID } from 'node:crypto';
import { TriggerKind, type Alert, type StartPlaybookRequest, type Trigger } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import type { StartedWorkflow, WorkflowClient } from '@omega/workflow';
import type { WorkflowStartResult, WorkflowStarter } from './kafka/workflow-starter';
import type { OrchestratorMetrics } from './orchestrator-metrics';
import type { PlaybookRegistry } from './playbooks/playbook-registry';
import { alertInputs, alertWorkflowId, playbooksFor } from './playbooks/playbook-trigger';

export class PlaybookRunner implements WorkflowStarter {
  constructor(
    private readonly client: WorkflowClient,
    private readonly playbooks: PlaybookRegistry,
    private readonly metrics: OrchestratorMetrics,
  ) {}

  /** Starts (or finds) the workflow a request names; InvalidArgument/NotFound never start. */
  async startPlaybook(request: StartPlaybookRequest, trigger: Trigger): Promise<StartedWorkflow> {
    const playbook = this.playbooks.get(request.playbookId);
    if (!playbook) {
      throw new OmegaError(
        Code.NotFound,
        `no playbook '${request.playbookId}' (loaded: ${
          this.playbooks
            .list()
            .map((p) => p.id)
            .join(', ') || 'none'
        })`,
      );
    }
    if (trigger.kind !== TriggerKind.TRIGGER_KIND_ALERT && !playbook.manual) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `playbook '${playbook.id}' starts on alerts only (trigger.manual is false)`,
      );
    }
    const workflowId =
      request.workflowId ||
      (request.alertId
        ? alertWorkflowId(request.alertId, playbook.id)
        : `${playbook.id}--${randomUUID()}`);
    const started = await this.client.start({
      workflowId,
      plan: playbook.plan,
      inputs: request.inputs,
      trigger: {
        ...trigger,
        alertId: trigger.alertId || request.alertId,
        incidentId: trigger.incidentId || request.incidentId,
      },
      playbookId: playbook.id,
      playbookVersion: playbook.version,
      dryRun: request.dryRun,
    });
    if (!started.alreadyStarted) {
      this.metrics.workflowsStarted.inc({
        playbook: playbook.id,
        trigger: TriggerKind[trigger.kind].replace('TRIGGER_KIND_', '').toLowerCase(),
      });
    }
    return started;
  }

  async startWorkflow(
    request: StartPlaybookRequest,
    trigger: Trigger,
  ): Promise<WorkflowStartResult> {
    const started = await this.startPlaybook(request, trigger);
    return { workflowId: started.state.workflowId, created: !started.alreadyStarted };
  }

  /** Starts every enabled playbook whose trigger matches; returns the workflow ids. */
  async onAlert(alert: Alert): Promise<string[]> {
    const matching = playbooksFor(alert, this.playbooks.list());
    if (matching.length === 0) this.metrics.alerts.inc({ outcome: 'unmatched' });
    const ids: string[] = [];
    for (const playbook of matching) {
      const started = await this.startPlaybook(
        {
          playbookId: playbook.id,
          workflowId: alertWorkflowId(alert.id, playbook.id),
          inputs: alertInputs(alert),
          alertId: alert.id,
          incidentId: alert.incidentId,
          dryRun: false,
        },
        {
          kind: TriggerKind.TRIGGER_KIND_ALERT,
          alertId: alert.id,
          incidentId: alert.incidentId,
          principal: '',
          source: '',
        },
      );
      this.metrics.alerts.inc({ outcome: started.alreadyStarted ? 'duplicate' : 'started' });
      ids.push(started.state.workflowId);
    }
    return ids;
  }
}
