// Builds the orchestrator: playbooks (omega_playbooks), the actions and their audit, the workflow
// engine's worker, the ALERTS consumer that starts playbooks, the workflow index and the RPCs.
import * as grpc from '@grpc/grpc-js';
import { ack, consume, type Bus, type ResourceSelection } from '@omega/bus';
import {
  Alert,
  DeceptionServiceClient,
  OrchestratorServiceService,
  TwinServiceClient,
  WorkflowEventType,
} from '@omega/proto';
import {
  baseConfigSchema,
  createPromiseClient,
  implementService,
  type Service,
} from '@omega/runtime';
import type { ServiceIdentity } from '@omega/service';
import { trustAuditClient, trustServiceClient } from '@omega/trust-client';
import { WorkflowEngine, type Activity } from '@omega/workflow';
import type { z } from 'zod';
import { trustAuditor, type ActionAuditor } from './actions/action-audit';
import { ACTION_NAMES, buildActions } from './actions/action-registry';
import type { KubernetesAccess } from './actions/isolate-pod';
import { loadKubernetesClient } from './actions/kubernetes-client';
import { orchestratorConfigSchema } from './orchestrator-config';
import { orchestratorHandlers } from './orchestrator-grpc';
import { orchestratorMetrics } from './orchestrator-metrics';
import { PlaybookRunner } from './playbook-runner';
import { PlaybookRegistry } from './playbooks/playbook-registry';
import { WorkflowIndex } from './workflow-index';

export const orchestratorServiceConfigSchema = baseConfigSchema.extend({
  orchestrator: orchestratorConfigSchema,
});
export type OrchestratorServiceConfig = z.output<typeof orchestratorServiceConfigSchema>;

export const ORCHESTRATOR_RESOURCES: ResourceSelection = {
  streams: ['ALERTS', 'TASKS', 'WORKFLOWS', 'DLQ'],
  kv: ['omega_policy', 'omega_playbooks'],
};

export interface Orchestrator {
  engine: WorkflowEngine;
  runner: PlaybookRunner;
  playbooks: PlaybookRegistry;
}

/** An auditor that records nothing: only when orchestrator.auditActions is false. */
const NO_AUDIT: ActionAuditor = { record: () => Promise.resolve('') };

export interface OrchestratorParts {
  service: Service<OrchestratorServiceConfig>;
  bus: Bus;
  /** Its identity from trust: names it as the actor of actions and audit entries. */
  identity?: ServiceIdentity | undefined;
  /** Mutual-TLS (or, with TLS off, insecure) credentials for calls to trust, deception, twin. */
  clientCredentials?: (peer: 'trust' | 'deception' | 'twin') => grpc.ChannelCredentials;
}

export async function buildOrchestrator(
  { service, bus, identity, clientCredentials }: OrchestratorParts,
  extraActions: Record<string, Activity> = {},
): Promise<Orchestrator> {
  const config = service.config.orchestrator;
  const logger = service.logger;
  const metrics = orchestratorMetrics(service.metrics);
  const credentialsFor = (peer: 'trust' | 'deception' | 'twin'): grpc.ChannelCredentials =>
    clientCredentials?.(peer) ?? grpc.credentials.createInsecure();
  const actor = identity?.subject ?? config.actor;
  if (!config.auditActions)
    logger.warn('orchestrator.auditActions is false: actions are NOT written to the audit log');
  const actions = buildActions({
    bus,
    auditor: config.auditActions
      ? trustAuditor(
          trustAuditClient(
            trustServiceClient(
              config.trustAddress ?? service.config.enrollment.trustAddress,
              credentialsFor('trust'),
            ),
            config.callTimeoutMs,
          ),
          actor,
        )
      : NO_AUDIT,
    deception: createPromiseClient(DeceptionServiceClient, config.deceptionAddress, {
      credentials: credentialsFor('deception'),
    }),
    twin: createPromiseClient(TwinServiceClient, config.twinAddress, {
      credentials: credentialsFor('twin'),
    }),
    actor,
    ...(config.notifyWebhookUrl ? { notifyWebhookUrl: config.notifyWebhookUrl } : {}),
    callTimeoutMs: config.callTimeoutMs,
    kubernetes: kubernetesAccess(config.kubeconfigPath),
    extra: extraActions,
  });
  const playbooks = new PlaybookRegistry(
    await bus.kv('omega_playbooks'),
    [...ACTION_NAMES, ...Object.keys(extraActions)],
    logger,
  );
  await playbooks.start(config.playbookDir);
  service.onShutdown('playbooks', async () => playbooks.stop());

  const engine = new WorkflowEngine({
    bus,
    activities: actions,
    workerId: config.workerId,
    logger,
    ackWaitMs: config.leaseMs,
    concurrency: config.concurrency,
    onOperation: (kind) => metrics.jetstreamOps.inc({ kind }),
    onStepFinished: (o) =>
      metrics.stepDuration.observe({ action: o.action, outcome: o.outcome }, o.durationMs / 1000),
    onWorkflowClosed: (_id, type) =>
      metrics.workflowsClosed.inc({
        status: WorkflowEventType[type].replace('WORKFLOW_EVENT_TYPE_WORKFLOW_', '').toLowerCase(),
      }),
  });
  await engine.start();
  service.onShutdown('workflow worker', () => engine.stop());

  const runner = new PlaybookRunner(engine.client, playbooks, metrics);
  if (config.consumeAlerts) {
    await consume(bus, {
      stream: 'ALERTS',
      durable: 'orchestrator-alerts',
      type: Alert,
      concurrency: 16,
      handler: async (alert) => {
        await runner.onAlert(alert);
        return ack();
      },
    });
  }

  const index = new WorkflowIndex(bus, logger);
  await index.start();
  service.onShutdown('workflow index', async () => index.stop());
  service.addGrpcService(
    OrchestratorServiceService,
    implementService(
      OrchestratorServiceService,
      orchestratorHandlers({ client: engine.client, runner, playbooks, index }),
      service.handlerOptions,
    ),
  );
  logger.info(
    { playbooks: playbooks.list().map((p) => `${p.id}@${p.version}`), worker: config.workerId },
    `orchestrator: ${playbooks.list().length} playbooks, worker ${config.workerId}`,
  );
  return { engine, runner, playbooks };
}

/** Loads the Kubernetes client and config once, on the first isolate_pod. */
function kubernetesAccess(kubeconfigPath: string): () => Promise<KubernetesAccess> {
  let access: Promise<KubernetesAccess> | undefined;
  return () => {
    access ??= loadKubernetesClient().then((k8s) => {
      const config = new k8s.KubeConfig();
      if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
      else config.loadFromDefault();
      return { k8s, config };
    });
    access.catch(() => (access = undefined));
    return access;
  };
}
