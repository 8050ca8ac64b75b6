// The orchestrator's API and durability across a restart, on real processes: a durable timer and
// an approval survive kill -9 of the only replica; a step whose action keeps failing ends in the
// declared failure path with its error; every action's outcome is in trust's audit log; bad
// playbooks are refused naming the path; WatchWorkflow streams a workflow to its end.
import * as grpc from '@grpc/grpc-js';
import {
  AuditEntryKind,
  OrchestratorServiceClient,
  StepStatus,
  WorkflowEventType,
  WorkflowStatus,
  type GetWorkflowResponse,
  type ListWorkflowsRequest,
  type WatchWorkflowResponse,
} from '@omega/proto';
import { startTrust, type TrustProcess, withNats } from '@omega/testkit';
import { startCountingSink, type CountingSink } from './testing/counting-sink';
import { call } from './testing/grpc-promise';
import { startOrchestrator, type OrchestratorProcess } from './testing/orchestrator-process';

const nats = withNats({ jetstream: true });
let sink: CountingSink;
let trust: TrustProcess;
let replica: OrchestratorProcess;
let client: OrchestratorServiceClient;

const PLAYBOOK = `id: survivors
trigger: { manual: true }
steps:
  - id: nap
    sleep_ms: 4000
  - id: after-nap
    action: notify
    needs: [nap]
    params: { text: 'woke up in \${workflow.id}' }
`;
const GATED = `id: gated
steps:
  - id: contain
    action: annotate
    params: { text: 'approved by a human' }
    approval: { timeout_ms: 120000 }
  - id: tell
    action: notify
    needs: [contain]
    params: { text: 'contained: \${steps.contain.note}' }
`;
const FAILING = `id: failing
steps:
  - id: flaky
    action: notify
    params: { text: 'this webhook is down' }
    retry: { max_attempts: 3, initial_backoff_ms: 100 }
  - id: never
    action: annotate
    needs: [flaky]
    params: { text: 'not reached' }
on_failure:
  - id: escalate
    action: notify
    params: { text: 'escalation: \${failure.step} failed: \${failure.error}' }
`;

function env(): Record<string, string> {
  return {
    OMEGA_NATS_SERVERS: nats.url,
    OMEGA_ORCHESTRATOR_PLAYBOOK_DIR: '',
    OMEGA_ORCHESTRATOR_NOTIFY_WEBHOOK_URL: sink.url,
    OMEGA_ORCHESTRATOR_TRUST_ADDRESS: trust.address,
    OMEGA_ORCHESTRATOR_LEASE_MS: '2000',
  };
}

async function replicaClient(r: OrchestratorProcess): Promise<OrchestratorServiceClient> {
  client?.close();
  const c = new OrchestratorServiceClient(r.grpcAddress, grpc.credentials.createInsecure());
  return c;
}

const get = (workflowId: string) =>
  call(client, client.getWorkflow, {
    workflowId,
    includeHistory: true,
  }) as Promise<GetWorkflowResponse>;

async function until(
  workflowId: string,
  probe: (r: GetWorkflowResponse) => boolean,
  what: string,
): Promise<GetWorkflowResponse> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await get(workflowId);
    if (probe(response)) return response;
    if (Date.now() > deadline)
      throw new Error(
        `${workflowId}: ${what} not reached: ${JSON.stringify(response.workflow?.steps)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  sink = await startCountingSink();
  trust = await startTrust({ natsUrl: nats.url });
  replica = await startOrchestrator('solo', env());
  client = await replicaClient(replica);
  nats.beforeStop(async () => {
    client.close();
    await replica.stop();
    await trust.stop();
    await sink.close();
  });
}, 180_000);

it('refuses malformed playbooks naming the path and the problem, and stores good ones', async () => {
  const invalid = await call(client, client.validatePlaybook, {
    source: PLAYBOOK.replace('action: notify', 'action: notfy'),
    sourceName: 'survivors.yml',
  });
  expect(invalid.valid).toBe(false);
  expect(invalid.diagnostics[0]).toMatchObject({
    source: 'survivors.yml',
    path: 'steps[1].action',
    line: 7,
    code: 'unknown-action',
  });
  await expect(
    call(client, client.putPlaybook, { source: 'id: x\nsteps: []\n', sourceName: 'x.yml' }),
  ).rejects.toMatchObject({
    code: grpc.status.INVALID_ARGUMENT,
    details: 'PutPlaybook x.yml: steps: must NOT have fewer than 1 items (line 2)',
  });
  for (const [source, name] of [
    [PLAYBOOK, 'survivors.yml'],
    [GATED, 'gated.yml'],
    [FAILING, 'failing.yml'],
  ] as const) {
    const put = await call(client, client.putPlaybook, { source, sourceName: name });
    expect(put.changed).toBe(true);
  }
  const listed = await call(client, client.listPlaybooks, {
    includeDisabled: false,
    includeSource: false,
    pageSize: 0,
    pageToken: '',
  });
  expect(listed.playbooks.map((p) => p.id)).toEqual(['failing', 'gated', 'survivors']);
});

it('keeps a durable timer and an approval across kill -9 of the only replica; a failing action ends in on_failure with its error', async () => {
  const start = (playbookId: string, workflowId: string) =>
    call(client, client.startPlaybook, {
      playbookId,
      workflowId,
      inputs: {},
      alertId: '',
      incidentId: '',
      dryRun: false,
    });
  const first = await start('survivors', 'timer-1');
  expect(first.alreadyStarted).toBe(false);
  expect((await start('survivors', 'timer-1')).alreadyStarted).toBe(true);
  await start('gated', 'approval-1');
  await start('failing', 'failing-1');
  sink.failFor('failing-1/flaky', 500);

  await until(
    'timer-1',
    (r) =>
      r.workflow?.steps.find((s) => s.stepId === 'nap')?.status ===
      StepStatus.STEP_STATUS_SCHEDULED,
    'timer set',
  );
  await until(
    'approval-1',
    (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_WAITING,
    'waiting for approval',
  );
  expect((await get('approval-1')).workflow?.awaitedSignals).toEqual(['approve', 'reject']);

  await replica.kill9();
  replica = await startOrchestrator('solo-restarted', env());
  client = await replicaClient(replica);

  const watched: WatchWorkflowResponse[] = [];
  const watch = new Promise<void>((resolve, reject) => {
    const stream = client.watchWorkflow({ workflowId: 'approval-1' });
    stream.on('data', (update: WatchWorkflowResponse) => watched.push(update));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  await call(client, client.signalWorkflow, {
    workflowId: 'approval-1',
    signalName: 'approve',
    payload: { by: 'alice' },
    requestId: 'r-1',
  });

  const timer = await until(
    'timer-1',
    (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
    'completed',
  );
  const types = timer.history.map((e) => WorkflowEventType[e.type]);
  expect(types).toContain('WORKFLOW_EVENT_TYPE_TIMER_FIRED');
  const scheduled = timer.history.find(
    (e) => e.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_SCHEDULED,
  )!;
  const fired = timer.history.find(
    (e) => e.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_TIMER_FIRED,
  )!;
  expect(Number((fired.timeNs - scheduled.timeNs) / 1_000_000n)).toBeGreaterThanOrEqual(4000);
  expect(sink.effects.get('timer-1/after-nap')).toBe(1);

  const approved = await until(
    'approval-1',
    (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
    'completed',
  );
  expect(approved.workflow?.steps.map((s) => s.outputs['note'] ?? '')).toEqual([
    'approved by a human',
    '',
  ]);
  expect(sink.bodies.find((b) => b.key === 'approval-1/tell')?.text).toBe(
    'contained: approved by a human',
  );
  await watch;
  expect(watched.at(-1)?.workflow?.status).toBe(WorkflowStatus.WORKFLOW_STATUS_COMPLETED);
  expect(watched.flatMap((w) => w.events).map((e) => Number(e.sequence))).toEqual(
    approved.history.map((e) => Number(e.sequence)),
  );

  const failed = await until(
    'failing-1',
    (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_FAILED,
    'failed',
  );
  const message = `step flaky failed after 3 attempt(s): notify ${sink.url}: HTTP 500: sink refuses`;
  expect(failed.workflow?.failureMessage).toBe(message);
  expect(failed.workflow?.steps.map((s) => [s.stepId, StepStatus[s.status]])).toEqual([
    ['flaky', 'STEP_STATUS_FAILED'],
    ['never', 'STEP_STATUS_SKIPPED'],
    ['escalate', 'STEP_STATUS_COMPLETED'],
  ]);
  expect(sink.bodies.find((b) => b.key === 'failing-1/escalate')?.text).toBe(
    `escalation: flaky failed: notify ${sink.url}: HTTP 500: sink refuses`,
  );

  // Every attempt's outcome is in the audit log, failures included.
  const audit = await call(trust.client, trust.client.listAuditEntries, {
    startIndex: 0n,
    pageSize: 1000,
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ACTION,
    subject: '',
  });
  const summaries = audit.records.map((r) => `${r.entry?.subject}: ${r.entry?.summary}`);
  expect(
    summaries.filter((s) => s.includes('HTTP 500: sink refuses [failing-1/flaky/')),
  ).toHaveLength(3);
  expect(
    summaries.some(
      (s) => s.startsWith('timer-1: notify') && s.includes(': ok [timer-1/after-nap/1]'),
    ),
  ).toBe(true);
  expect(summaries.some((s) => s.startsWith('approval-1: annotate'))).toBe(true);
  const list = (request: Partial<ListWorkflowsRequest>) =>
    call(client, client.listWorkflows, {
      statuses: [],
      playbookId: '',
      incidentId: '',
      alertId: '',
      pageSize: 0,
      pageToken: '',
      ...request,
    }).then((r) => r.workflows.map((w) => w.workflowId).sort());
  // The list is each replica's view folded from WORKFLOWS: give it a moment to catch up.
  let failedIds: string[] = [];
  for (let i = 0; i < 50 && failedIds.length === 0; i++) {
    failedIds = await list({ statuses: [WorkflowStatus.WORKFLOW_STATUS_FAILED] });
    if (failedIds.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  expect(failedIds).toEqual(['failing-1']);
  expect(await list({ playbookId: 'survivors' })).toEqual(['timer-1']);
  const future = BigInt(Date.now() + 3_600_000) * 1_000_000n;
  expect(await list({ timeRange: { startTimeNs: future, endTimeNs: 0n } })).toEqual([]);
  expect(await list({ pageSize: 2 })).toHaveLength(2);
  const completedStep = timer.workflow?.steps.find((s) => s.stepId === 'after-nap');
  expect(completedStep?.audit?.logIndex).toBeDefined();
}, 180_000);
