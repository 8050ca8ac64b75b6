// The OrchestratorService RPCs: start, get (with history), list, watch, signal, cancel, and the
// playbook calls (put, list, validate).
import {
  DetectorKind,
  DiagnosticSeverity,
  Severity,
  TriggerKind,
  type OrchestratorServiceService,
  type Playbook,
  type TimeRange,
  type WatchWorkflowRequest,
  type WatchWorkflowResponse,
} from '@omega/proto';
import { Code, OmegaError, type CallContext, type ServiceHandlers } from '@omega/runtime';
import { CLOSED_STATUSES, displayStatus, type WorkflowClient } from '@omega/workflow';
import type { PlaybookRunner } from './playbook-runner';
import type { PlaybookRegistry, StoredPlaybook } from './playbooks/playbook-registry';
import type { WorkflowIndex } from './workflow-index';
import { workflowMessage } from './workflow-view';

export interface OrchestratorRpcDeps {
  client: WorkflowClient;
  runner: PlaybookRunner;
  playbooks: PlaybookRegistry;
  index: WorkflowIndex;
}

const DEFAULT_PAGE_SIZE = 100;

/** Start times within the range (an unset bound is open). */
function inRange(startMs: number, range: TimeRange | undefined): boolean {
  if (!range) return true;
  const ns = BigInt(startMs) * 1_000_000n;
  return (
    (range.startTimeNs === 0n || ns >= range.startTimeNs) &&
    (range.endTimeNs === 0n || ns < range.endTimeNs)
  );
}

function required(value: string, field: string, rpc: string): string {
  if (!value) throw new OmegaError(Code.InvalidArgument, `${rpc}: ${field} is required`);
  return value;
}

export function playbookMessage(p: StoredPlaybook, includeSource: boolean): Playbook {
  const a = p.alert;
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    version: p.version,
    matchers: a
      ? [
          {
            minSeverity: a.minSeverity
              ? Severity[`SEVERITY_${a.minSeverity.toUpperCase()}` as keyof typeof Severity]
              : Severity.SEVERITY_UNSPECIFIED,
            ruleIds: a.ruleIds,
            attackTechniqueIds: a.attackTechniqueIds,
            detectorKinds: a.detectorKinds.map(
              (k) => DetectorKind[`DETECTOR_KIND_${k.toUpperCase()}` as keyof typeof DetectorKind],
            ),
          },
        ]
      : [],
    steps: [...p.plan.steps, ...p.plan.onFailure, ...(p.plan.compensations ?? [])].map((s) => ({
      id: s.id,
      action: s.action ?? (s.kind === 'sleep' ? 'sleep' : ''),
      params: s.params,
      needs: s.needs,
      condition: s.condition ?? '',
      maxAttempts: s.retry.maxAttempts,
      timeoutMs: BigInt(s.timeoutMs),
      initialBackoffMs: BigInt(s.retry.initialBackoffMs),
      requiresApproval: s.approval !== undefined,
    })),
    timeoutMs: BigInt(p.plan.timeoutMs),
    enabled: p.enabled,
    source: includeSource ? p.source : '',
    sourceSha256: p.sha256,
  };
}

export function orchestratorHandlers(
  deps: OrchestratorRpcDeps,
): ServiceHandlers<typeof OrchestratorServiceService> {
  const { client, runner, playbooks, index } = deps;
  return {
    startPlaybook: async (request) => {
      required(request.playbookId, 'playbook_id', 'StartPlaybook');
      const started = await runner.startPlaybook(request, {
        kind: TriggerKind.TRIGGER_KIND_API,
        alertId: request.alertId,
        incidentId: request.incidentId,
        principal: '',
        source: '',
      });
      return { workflow: workflowMessage(started.state), alreadyStarted: started.alreadyStarted };
    },
    getWorkflow: async (request) => {
      const { state, events } = await client.describe(
        required(request.workflowId, 'workflow_id', 'GetWorkflow'),
      );
      return { workflow: workflowMessage(state), history: request.includeHistory ? events : [] };
    },
    listWorkflows: (request) => {
      const offset = request.pageToken ? Number(request.pageToken) : 0;
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new OmegaError(
          Code.InvalidArgument,
          `ListWorkflows: page_token ${JSON.stringify(request.pageToken)} is not one this service issued`,
        );
      }
      const size = Math.min(1000, request.pageSize || DEFAULT_PAGE_SIZE);
      const matching = index
        .list()
        .filter(
          (s) =>
            (request.statuses.length === 0 || request.statuses.includes(displayStatus(s))) &&
            (!request.playbookId || s.playbookId === request.playbookId) &&
            (!request.alertId || s.trigger?.alertId === request.alertId) &&
            (!request.incidentId || s.trigger?.incidentId === request.incidentId) &&
            inRange(s.startMs, request.timeRange),
        );
      const page = matching.slice(offset, offset + size);
      return {
        workflows: page.map(workflowMessage),
        nextPageToken: offset + size < matching.length ? String(offset + size) : '',
      };
    },
    cancelWorkflow: async (request) => {
      const state = await client.cancel(
        required(request.workflowId, 'workflow_id', 'CancelWorkflow'),
        request.reason,
        request.requestId || String(Date.now()),
      );
      return { workflow: workflowMessage(state) };
    },
    signalWorkflow: async (request) => {
      const state = await client.signal(
        required(request.workflowId, 'workflow_id', 'SignalWorkflow'),
        required(request.signalName, 'signal_name', 'SignalWorkflow'),
        request.payload,
        request.requestId,
      );
      return { workflow: workflowMessage(state) };
    },
    listPlaybooks: (request) => ({
      playbooks: playbooks
        .list()
        .filter((p) => request.includeDisabled || p.enabled)
        .map((p) => playbookMessage(p, request.includeSource)),
      nextPageToken: '',
    }),
    validatePlaybook: (request) => {
      const result = playbooks.validate(request.source, request.sourceName || 'request');
      return {
        valid: !result.diagnostics.some(
          (d) => d.severity === DiagnosticSeverity.DIAGNOSTIC_SEVERITY_ERROR,
        ),
        diagnostics: result.diagnostics,
        ...(result.playbook
          ? { playbook: playbookMessage({ ...result.playbook, version: 0 }, false) }
          : {}),
      };
    },
    putPlaybook: async (request) => {
      const result = await playbooks.put(request.source, request.sourceName || 'request');
      if (!result.stored) {
        const first = result.diagnostics[0];
        throw new OmegaError(
          Code.InvalidArgument,
          `PutPlaybook ${request.sourceName || 'request'}: ${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'invalid'} (line ${first?.line ?? 0})`,
        );
      }
      return {
        playbook: playbookMessage(result.stored, false),
        diagnostics: result.diagnostics,
        changed: result.changed,
      };
    },
    watchWorkflow: (request, ctx) => watch(request, ctx, deps),
  };
}

/** The workflow now, then each new event until it closes, the caller goes or the service drains. */
async function* watch(
  request: WatchWorkflowRequest,
  ctx: CallContext,
  deps: OrchestratorRpcDeps,
): AsyncIterable<WatchWorkflowResponse> {
  const id = request.workflowId;
  // Follow the index first, then read the history: an event appended in between is seen by one of
  // the two, and the sequence check drops the other copy.
  const updates: { response: WatchWorkflowResponse; sequence: bigint; closed: boolean }[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = deps.index.subscribe(id, (current, event) => {
    updates.push({
      response: { workflow: workflowMessage(current), events: [event] },
      sequence: event.sequence,
      closed: CLOSED_STATUSES.has(current.status),
    });
    wake?.();
  });
  const onAbort = (): void => wake?.();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    required(id, 'workflow_id', 'WatchWorkflow');
    const { state, events } = await deps.client.describe(id);
    yield { workflow: workflowMessage(state), events };
    if (CLOSED_STATUSES.has(state.status)) return;
    let lastSequence = events.at(-1)?.sequence ?? 0n;
    while (!ctx.signal.aborted) {
      const update = updates.shift();
      if (update === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (update.sequence <= lastSequence) continue;
      lastSequence = update.sequence;
      yield update.response;
      if (update.closed) return;
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
