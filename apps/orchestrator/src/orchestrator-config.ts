// The `orchestrator` section of the service's configuration.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** The playbooks shipped beside the service: apps/orchestrator/playbooks (from src/ or dist/). */
export const SHIPPED_PLAYBOOKS_DIR = join(__dirname, '..', 'playbooks');

export const orchestratorConfigSchema = z
  .strictObject({
    /** Directory of playbook YAML files loaded at start (stored in omega_playbooks); '' for none. */
    playbookDir: z.string().default(SHIPPED_PLAYBOOKS_DIR),
    /** Names this replica in step leases and logs. */
    workerId: z.string().min(1).default(`${hostname()}-${process.pid}`),
    /** A worker that stops heartbeating loses its workflows to another replica after this. */
    leaseMs: z.int().positive().default(30_000),
    /** Workflows one replica advances at once. */
    concurrency: z.int().positive().default(64),
    /** Start workflows for matching alerts from ALERTS. */
    consumeAlerts: z.boolean().default(true),
    /** Append every action's outcome to trust's audit log; off only for a stack without trust. */
    auditActions: z.boolean().default(true),
    /** `host:port` of trust's gRPC endpoint for the audit; default: enrollment.trustAddress. */
    trustAddress: z.string().min(1).optional(),
    deceptionAddress: z.string().min(1).default('127.0.0.1:50055'),
    twinAddress: z.string().min(1).default('127.0.0.1:50056'),
    /** Default webhook of `notify` steps without a `url` parameter. */
    notifyWebhookUrl: z.string().optional(),
    /** kubeconfig of isolate_pod; '' uses the in-cluster service account (or $KUBECONFIG). */
    kubeconfigPath: z.string().default(''),
    /** Timeout of each call an action makes to another service. */
    callTimeoutMs: z.int().positive().default(10_000),
    /** Actor of actions and audit entries when not enrolled (enrolled: its trust subject). */
    actor: z.string().min(1).default('omega://local/service/orchestrator'),
  })
  .prefault({});

export type OrchestratorConfig = z.output<typeof orchestratorConfigSchema>;
