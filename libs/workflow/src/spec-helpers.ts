// Shared by this lib's specs only (excluded from the build): plans, engines on a real bus, polling.
import { connectBus, provision, type Bus } from '@omega/bus';
import { WorkflowStatus } from '@omega/proto';
import pino from 'pino';
import type { Activity } from './activity';
import { DEFAULT_RETRY, PLAN_VERSION, type PlanStep, type WorkflowPlan } from './plan';
import { WorkflowEngine } from './workflow-engine';

export const logger = pino({ level: process.env['OMEGA_LOG_LEVEL'] ?? 'silent' });

export function step(id: string, overrides: Partial<PlanStep> = {}): PlanStep {
  return {
    id,
    kind: 'action',
    action: 'record',
    params: {},
    needs: [],
    retry: { ...DEFAULT_RETRY, initialBackoffMs: 50 },
    timeoutMs: 5000,
    heartbeatTimeoutMs: 0,
    continueOnFailure: false,
    ...overrides,
  };
}

export function plan(steps: PlanStep[], onFailure: PlanStep[] = []): WorkflowPlan {
  return { version: PLAN_VERSION, steps, onFailure, timeoutMs: 0 };
}

export async function connect(url: string, name: string): Promise<Bus> {
  const bus = await connectBus({ servers: url, name, logger });
  await provision(bus, { streams: ['TASKS', 'WORKFLOWS', 'DLQ'] });
  return bus;
}

export function engine(
  bus: Bus,
  activities: Record<string, Activity>,
  workerId: string,
  ackWaitMs = 2000,
) {
  return new WorkflowEngine({
    bus,
    activities: new Map(Object.entries(activities)),
    workerId,
    logger,
    ackWaitMs,
    concurrency: 16,
  });
}

export async function waitForStatus(
  e: WorkflowEngine,
  workflowId: string,
  statuses: WorkflowStatus[],
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { state, events } = await e.client.describe(workflowId);
    if (statuses.includes(state.status)) return { state, events };
    if (Date.now() > deadline) {
      throw new Error(
        `workflow ${workflowId} is ${WorkflowStatus[state.status]} after ${timeoutMs} ms; history: ${events
          .map((ev) => `${ev.type}:${ev.stepId}:${ev.detail}`)
          .join(' | ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
