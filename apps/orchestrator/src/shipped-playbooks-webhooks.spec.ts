// Containment holds whatever the notification does: each shipped playbook run end to end by a
// real orchestrator on a real nats-server and kube-apiserver, three ways: no webhook configured,
// a webhook answering 500 (a local HTTP server) and a working one. The block and the isolation
// must stand in all three; an undelivered notification is compensated by a note on the workflow.
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
const MODES = ['none', 'failing', 'working'] as const;
type Mode = (typeof MODES)[number];
const octet: Record<Mode, number> = { none: 1, failing: 2, working: 3 };

let stack: ShippedStack;
let working: CountingSink;
let failing: CountingSink;

beforeAll(async () => {
  stack = await startShippedStack(
    nats,
    MODES.flatMap((m) => [`scan-${m}`, `shell-${m}`]),
  );
  working = await startCountingSink();
  failing = await startCountingSink();
  failing.failFor('', 500);
  nats.beforeStop(async () => {
    await Promise.all([working.close(), failing.close()]);
    await stack.stop();
  });
}, 240_000);

const webhookOf = (mode: Mode): Record<string, string> =>
  mode === 'none'
    ? {}
    : { OMEGA_ORCHESTRATOR_NOTIFY_WEBHOOK_URL: (mode === 'working' ? working : failing).url };

const step = (r: GetWorkflowResponse, id: string) =>
  r.workflow!.steps.find((s) => s.stepId === id)!;

/** What tell-team ends as, and the compensation's note when it could not deliver. */
function expectNotification(mode: Mode, r: GetWorkflowResponse, workflowId: string, text: string) {
  const key = `${workflowId}/tell-team`;
  if (mode === 'working') {
    expect(stepsOf(r)).toMatchObject({ 'tell-team': 'completed', 'note-undelivered': 'skipped' });
    expect(working.bodies.filter((b) => b.key === key).map((b) => b.text)).toEqual([text]);
    return;
  }
  expect(stepsOf(r)).toMatchObject({ 'tell-team': 'failed', 'note-undelivered': 'completed' });
  const error =
    mode === 'none'
      ? "step tell-team: no webhook: set params.url or the orchestrator's notify webhook"
      : `notify ${failing.url}: HTTP 500: sink refuses`;
  expect(step(r, 'tell-team').error).toBe(error);
  expect(step(r, 'note-undelivered').outputs['note']).toMatch(
    new RegExp(`^team not told \\(tell-team: ${escape(error)}\\); (containment|the block) stands$`),
  );
  expect(working.calls.get(key)).toBeUndefined();
  if (mode === 'failing') expect(failing.calls.get(key)).toBe(step(r, 'tell-team').attempt);
  else expect(failing.calls.get(key)).toBeUndefined();
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.each(MODES)('with the notify webhook %s', (mode) => {
  let orchestrator: ShippedOrchestrator;
  beforeAll(async () => {
    orchestrator = await stack.orchestrator(`webhooks-${mode}`, webhookOf(mode));
  }, 120_000);
  afterAll(() => orchestrator.stop());
  const until = (id: string, probe: (r: GetWorkflowResponse) => boolean, what: string) =>
    untilWorkflow(orchestrator.client, id, probe, what);

  it('contain-scan keeps the scanner blocked and its pod isolated, and never undoes either', async () => {
    const scanner = `10.0.3.${octet[mode]}`;
    const id = `contain-scan--scan-${mode}`;
    await publishAlert(stack.bus, {
      id: `scan-${mode}`,
      title: `Port scan from scan-${mode}`,
      severity: Severity.SEVERITY_HIGH,
      ruleId: 'detector:port-scan',
      detectorKind: DetectorKind.DETECTOR_KIND_STREAMING,
      attackTechniqueIds: ['T1046'],
      srcIp: scanner,
      pod: `shop/scan-${mode}`,
    });
    await until(id, (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_WAITING, 'wait');
    await orchestrator.client.signalWorkflow({
      workflowId: id,
      signalName: 'approve',
      payload: { by: 'oncall' },
      requestId: `approve-scan-${mode}`,
    });
    const settled = await until(
      id,
      (r) =>
        stepsOf(r)['isolate'] === 'completed' &&
        ['completed', 'skipped'].includes(stepsOf(r)['note-undelivered'] ?? ''),
      'isolation and the notification settled',
    );
    expect(settled.workflow?.status).toBe(WorkflowStatus.WORKFLOW_STATUS_RUNNING); // the 1 h timer
    expect(stepsOf(settled)).toMatchObject({
      'block-source': 'completed',
      'what-if': 'completed',
      isolate: 'completed',
      'block-expires': 'scheduled',
      'unblock-source': 'pending',
      'undo-block': 'pending',
      escalate: 'pending',
    });
    expectNotification(
      mode,
      settled,
      id,
      `:rotating_light: Port scan from scan-${mode} — blocked ${scanner}/32 on all nodes (workflow ${id})`,
    );
    expect(await blockOf(stack.bus, `${scanner}/32`)).toMatchObject({ workflowId: id });
    expect(await isolationOf(stack.kube, step(settled, 'isolate').outputs['policy']!)).toEqual([
      'Ingress',
      'Egress',
    ]);
    await orchestrator.client.cancelWorkflow({
      workflowId: id,
      reason: 'spec done',
      requestId: `cancel-scan-${mode}`,
    });
  }, 120_000);

  it('honeytoken-used keeps the source blocked and completes', async () => {
    const source = `198.51.100.${octet[mode]}`;
    const id = `honeytoken-used--token-${mode}`;
    await publishAlert(stack.bus, {
      id: `token-${mode}`,
      title: `Honeytoken aws-key-${mode} used`,
      severity: Severity.SEVERITY_CRITICAL,
      ruleId: 'detector:honeytoken',
      detectorKind: DetectorKind.DETECTOR_KIND_DECEPTION,
      srcIp: source,
    });
    const done = await until(
      id,
      (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
      'completed',
    );
    expect(stepsOf(done)).toMatchObject({
      'block-source': 'completed',
      note: 'completed',
      escalate: 'pending',
    });
    expectNotification(
      mode,
      done,
      id,
      `:honey_pot: honeytoken used: Honeytoken aws-key-${mode} used (workflow ${id})`,
    );
    expect(await blockOf(stack.bus, `${source}/32`)).toMatchObject({ workflowId: id });
  }, 120_000);

  it('reverse-shell keeps the remote end blocked and the pod isolated, and completes', async () => {
    const remote = `203.0.113.${octet[mode]}`;
    const id = `reverse-shell--shell-${mode}`;
    await publishAlert(stack.bus, {
      id: `shell-${mode}`,
      title: `Reverse shell in shell-${mode}`,
      severity: Severity.SEVERITY_HIGH,
      ruleId: 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
      detectorKind: DetectorKind.DETECTOR_KIND_RULE,
      attackTechniqueIds: ['T1059.004'],
      dstIp: remote,
      pod: `shop/shell-${mode}`,
    });
    await until(id, (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_WAITING, 'wait');
    await orchestrator.client.signalWorkflow({
      workflowId: id,
      signalName: 'approve',
      payload: { by: 'oncall' },
      requestId: `approve-shell-${mode}`,
    });
    const done = await until(
      id,
      (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_COMPLETED,
      'completed',
    );
    expect(stepsOf(done)).toMatchObject({
      'block-remote': 'completed',
      isolate: 'completed',
      note: 'completed',
      escalate: 'pending',
    });
    expectNotification(
      mode,
      done,
      id,
      `:skull: reverse shell: Reverse shell in shell-${mode} (workflow ${id})`,
    );
    expect(await blockOf(stack.bus, `${remote}/32`)).toMatchObject({ workflowId: id });
    expect(await isolationOf(stack.kube, step(done, 'isolate').outputs['policy']!)).toEqual([
      'Ingress',
      'Egress',
    ]);
  }, 120_000);
});
