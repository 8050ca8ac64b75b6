// The shipped playbooks end to end, started by alerts on ALERTS: one orchestrator replica (a real
// process) with trust, deception and the twin as built (the latter two answer UNIMPLEMENTED today),
// a real kube-apiserver for isolate_pod and a local webhook for notify.
import { DetectorKind, Severity, WorkflowStatus, type GetWorkflowResponse } from '@omega/proto';
import { withNats } from '@omega/testkit';
import { startCountingSink, type CountingSink } from './testing/counting-sink';
import {
  blockOf,
  isolationOf,
  publishAlert,
  startShippedStack,
  stepsOf,
  untilWorkflow,
  type ShippedOrchestrator,
  type ShippedStack,
} from './testing/shipped-stack';

const nats = withNats({ jetstream: true });
let stack: ShippedStack;
let sink: CountingSink;
let orchestrator: ShippedOrchestrator;

beforeAll(async () => {
  stack = await startShippedStack(nats, ['web-7f9c']);
  sink = await startCountingSink();
  orchestrator = await stack.orchestrator('shipped', {
    OMEGA_ORCHESTRATOR_NOTIFY_WEBHOOK_URL: sink.url,
  });
  nats.beforeStop(async () => {
    await orchestrator.stop();
    await sink.close();
    await stack.stop();
  });
}, 240_000);

const until = (workflowId: string, probe: (r: GetWorkflowResponse) => boolean, what: string) =>
  untilWorkflow(orchestrator.client, workflowId, probe, what);

it('contain-scan blocks the scanner, isolates its pod once approved, and notifies', async () => {
  await publishAlert(stack.bus, {
    id: 'scan-1',
    severity: Severity.SEVERITY_HIGH,
    title: 'Port scan from web-7f9c',
    ruleId: 'detector:port-scan',
    detectorKind: DetectorKind.DETECTOR_KIND_STREAMING,
    attackTechniqueIds: ['T1046'],
    srcIp: '10.0.3.7',
    pod: 'shop/web-7f9c',
  });
  const id = 'contain-scan--scan-1';
  const waiting = await until(
    id,
    (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_WAITING,
    'approval wait',
  );
  expect(stepsOf(waiting)).toMatchObject({
    'block-source': 'completed',
    'what-if': 'completed',
    isolate: 'scheduled',
  });
  // The twin knows the pod (it follows the same API server) and has seen no flow it would break.
  const whatIf = waiting.workflow!.steps.find((s) => s.stepId === 'what-if')!;
  expect(whatIf.outputs['broken_flows']).toBe('0');
  expect(await blockOf(stack.bus, '10.0.3.7/32')).toMatchObject({
    cidr: '10.0.3.7/32',
    workflowId: id,
    alertId: 'scan-1',
  });

  await orchestrator.client.signalWorkflow({
    workflowId: id,
    signalName: 'approve',
    payload: { by: 'oncall' },
    requestId: 'a1',
  });
  const isolated = await until(id, (r) => stepsOf(r)['isolate'] === 'completed', 'isolation');
  const policyName = isolated.workflow!.steps.find((s) => s.stepId === 'isolate')!.outputs[
    'policy'
  ]!;
  expect(await isolationOf(stack.kube, policyName)).toEqual(['Ingress', 'Egress']);
  const notified = await until(id, (r) => stepsOf(r)['tell-team'] === 'completed', 'notify');
  expect(notified.workflow?.status).toBe(WorkflowStatus.WORKFLOW_STATUS_RUNNING); // the 1 h unblock timer runs on
  expect(sink.bodies.find((b) => b.key === `${id}/tell-team`)?.text).toBe(
    `:rotating_light: Port scan from web-7f9c — blocked 10.0.3.7/32 on all nodes (workflow ${id})`,
  );
  await orchestrator.client.cancelWorkflow({
    workflowId: id,
    reason: 'spec done',
    requestId: 'c1',
  });
}, 120_000);

it('honeytoken-used blocks the source, deploys an SSH decoy, and notifies', async () => {
  await publishAlert(stack.bus, {
    id: 'token-1',
    severity: Severity.SEVERITY_CRITICAL,
    title: 'Honeytoken aws-key-7 used',
    ruleId: 'detector:honeytoken',
    detectorKind: DetectorKind.DETECTOR_KIND_DECEPTION,
    srcIp: '198.51.100.9',
  });
  const id = 'honeytoken-used--token-1';
  const done = await until(
    id,
    (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
    'completed',
  );
  expect(stepsOf(done)).toEqual({
    'block-source': 'completed',
    decoy: 'completed',
    note: 'completed',
    'tell-team': 'completed',
    'note-undelivered': 'skipped',
    escalate: 'pending',
  });
  const decoy = done.workflow!.steps.find((s) => s.stepId === 'decoy')!;
  expect(decoy.attempt).toBe(1);
  expect(decoy.outputs).toMatchObject({
    name: 'billing-db-admin',
    decoy_id: expect.stringMatching(/^dc-[0-9a-f]{12}$/),
  });
  expect(done.workflow!.steps.find((s) => s.stepId === 'note')?.outputs['note']).toBe(
    'honeytoken detector:honeytoken used from 198.51.100.9; decoy: completed',
  );
}, 120_000);

it('reverse-shell blocks the remote end and, when the isolation is rejected, escalates with who rejected it', async () => {
  await publishAlert(stack.bus, {
    id: 'shell-1',
    severity: Severity.SEVERITY_HIGH,
    title: 'Reverse shell in web-7f9c',
    ruleId: 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
    detectorKind: DetectorKind.DETECTOR_KIND_RULE,
    attackTechniqueIds: ['T1059.004'],
    dstIp: '203.0.113.50',
    pod: 'shop/web-7f9c',
  });
  const id = 'reverse-shell--shell-1';
  await until(
    id,
    (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_WAITING,
    'approval wait',
  );
  await orchestrator.client.signalWorkflow({
    workflowId: id,
    signalName: 'reject',
    payload: { by: 'oncall', reason: 'it is the pentest' },
    requestId: 'r1',
  });
  const failed = await until(
    id,
    (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_FAILED,
    'failed',
  );
  expect(failed.workflow?.failureMessage).toBe(
    'step isolate failed: approval rejected by oncall: it is the pentest',
  );
  expect(stepsOf(failed)).toEqual({
    'block-remote': 'completed',
    isolate: 'failed',
    note: 'skipped',
    'tell-team': 'completed',
    'note-undelivered': 'skipped',
    escalate: 'completed',
  });
  expect(sink.bodies.find((b) => b.key === `${id}/escalate`)?.text).toBe(
    ':warning: reverse-shell failed at isolate: approval rejected by oncall: it is the pentest',
  );
}, 120_000);
