// The shipped playbooks end to end, started by alerts on ALERTS: one orchestrator replica (a real
// process) with trust, deception and the twin as built (the latter two answer UNIMPLEMENTED today),
// a real kube-apiserver for isolate_pod and a local webhook for notify.
import { connectBus, provision, publish, subjects, type Bus } from '@omega/bus';
import {
  Alert,
  DetectorKind,
  EntityKind,
  OrchestratorServiceClient,
  type OrchestratorServiceService,
  Severity,
  SourceBlock,
  StepStatus,
  WorkflowStatus,
  type GetWorkflowResponse,
} from '@omega/proto';
import { createPromiseClient, type PromiseClient } from '@omega/runtime';
import {
  type KubeApiServer,
  startKubeApiServer,
  startTrust,
  type TrustProcess,
  withNats,
} from '@omega/testkit';
import pino from 'pino';
import { loadKubernetesClient } from './actions/kubernetes-client';
import { startCountingSink, type CountingSink } from './testing/counting-sink';
import { startOrchestrator, type OrchestratorProcess } from './testing/orchestrator-process';
import { startBuiltService, type SpecService } from './testing/spec-service';

const nats = withNats({ jetstream: true });
let bus: Bus;
let kube: KubeApiServer;
let sink: CountingSink;
let trust: TrustProcess;
let deception: SpecService;
let twin: SpecService;
let orchestrator: OrchestratorProcess;
let client: PromiseClient<typeof OrchestratorServiceService>;

beforeAll(async () => {
  bus = await connectBus({
    servers: nats.url,
    name: 'shipped-spec',
    logger: pino({ level: 'silent' }),
  });
  await provision(bus, { streams: ['ALERTS', 'DLQ'], kv: ['omega_policy'] });
  kube = await startKubeApiServer();
  const k8s = await loadKubernetesClient();
  const core = kube.kubeConfig.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'shop' } } });
  await core.createNamespacedServiceAccount({
    namespace: 'shop',
    body: { metadata: { name: 'default' } },
  });
  await core.createNamespacedPod({
    namespace: 'shop',
    body: {
      metadata: { name: 'web-7f9c', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
  });
  sink = await startCountingSink();
  trust = await startTrust({ natsUrl: nats.url });
  deception = await startBuiltService('deception', nats.url);
  twin = await startBuiltService('twin', nats.url);
  orchestrator = await startOrchestrator('shipped', {
    OMEGA_NATS_SERVERS: nats.url,
    OMEGA_ORCHESTRATOR_NOTIFY_WEBHOOK_URL: sink.url,
    OMEGA_ORCHESTRATOR_TRUST_ADDRESS: trust.address,
    OMEGA_ORCHESTRATOR_DECEPTION_ADDRESS: deception.address,
    OMEGA_ORCHESTRATOR_TWIN_ADDRESS: twin.address,
    OMEGA_ORCHESTRATOR_KUBECONFIG_PATH: kube.kubeconfigPath,
  });
  client = createPromiseClient(OrchestratorServiceClient, orchestrator.grpcAddress, {
    timeoutMs: 15_000,
  });
  nats.beforeStop(async () => {
    client.close();
    await orchestrator.stop();
    await Promise.all([trust.stop(), deception.stop(), twin.stop(), sink.close()]);
    await kube.stop();
    await bus.drain();
  });
}, 240_000);

async function until(workflowId: string, probe: (r: GetWorkflowResponse) => boolean, what: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await client
      .getWorkflow({
        workflowId,
        includeHistory: false,
      })
      .catch(() => undefined);
    if (response && probe(response)) return response;
    if (Date.now() > deadline)
      throw new Error(
        `${workflowId}: ${what} not reached: ${JSON.stringify(response?.workflow?.steps)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

const stepsOf = (r: GetWorkflowResponse) =>
  Object.fromEntries(
    (r.workflow?.steps ?? []).map((s) => [
      s.stepId,
      StepStatus[s.status].replace('STEP_STATUS_', '').toLowerCase(),
    ]),
  );

it('contain-scan blocks the scanner, isolates its pod once approved, and notifies', async () => {
  await publish(
    bus,
    subjects.alerts('high'),
    Alert,
    Alert.fromPartial({
      id: 'scan-1',
      severity: Severity.SEVERITY_HIGH,
      title: 'Port scan from web-7f9c',
      ruleId: 'detector:port-scan',
      detectorKind: DetectorKind.DETECTOR_KIND_STREAMING,
      attackTechniqueIds: ['T1046'],
      entities: [
        {
          kind: EntityKind.ENTITY_KIND_IP_ADDRESS,
          value: '10.0.3.7',
          displayName: '',
          isActor: true,
        },
        {
          kind: EntityKind.ENTITY_KIND_POD,
          value: 'shop/web-7f9c',
          displayName: '',
          isActor: true,
        },
      ],
    }),
  );
  const id = 'contain-scan--scan-1';
  const waiting = await until(
    id,
    (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_WAITING,
    'approval wait',
  );
  expect(stepsOf(waiting)).toMatchObject({
    'block-source': 'completed',
    'what-if': 'failed',
    isolate: 'scheduled',
  });
  const whatIf = waiting.workflow!.steps.find((s) => s.stepId === 'what-if')!;
  expect(whatIf.error).toBe(
    `omega.v1.TwinService/SimulateWhatIf at ${twin.address}: UNIMPLEMENTED: /omega.v1.TwinService/SimulateWhatIf is not built yet`,
  );
  const block = SourceBlock.decode(
    (await (await bus.kv('omega_policy')).get('block.all.10.0.3.7/32'))!.value,
  );
  expect(block).toMatchObject({ cidr: '10.0.3.7/32', workflowId: id, alertId: 'scan-1' });

  await client.signalWorkflow({
    workflowId: id,
    signalName: 'approve',
    payload: { by: 'oncall' },
    requestId: 'a1',
  });
  const isolated = await until(id, (r) => stepsOf(r)['isolate'] === 'completed', 'isolation');
  const policyName = isolated.workflow!.steps.find((s) => s.stepId === 'isolate')!.outputs[
    'policy'
  ]!;
  const k8s = await loadKubernetesClient();
  const policy = await kube.kubeConfig
    .makeApiClient(k8s.NetworkingV1Api)
    .readNamespacedNetworkPolicy({ name: policyName, namespace: 'shop' });
  expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
  const notified = await until(id, (r) => stepsOf(r)['tell-team'] === 'completed', 'notify');
  expect(notified.workflow?.status).toBe(WorkflowStatus.WORKFLOW_STATUS_RUNNING); // the 1 h unblock timer runs on
  expect(sink.bodies.find((b) => b.key === `${id}/tell-team`)?.text).toBe(
    `:rotating_light: Port scan from web-7f9c — blocked 10.0.3.7/32 on all nodes (workflow ${id})`,
  );
  await client.cancelWorkflow({
    workflowId: id,
    reason: 'spec done',
    requestId: 'c1',
  });
}, 120_000);

it('honeytoken-used blocks the source, deploys an SSH decoy, and notifies', async () => {
  await publish(
    bus,
    subjects.alerts('critical'),
    Alert,
    Alert.fromPartial({
      id: 'token-1',
      severity: Severity.SEVERITY_CRITICAL,
      title: 'Honeytoken aws-key-7 used',
      ruleId: 'detector:honeytoken',
      detectorKind: DetectorKind.DETECTOR_KIND_DECEPTION,
      entities: [
        {
          kind: EntityKind.ENTITY_KIND_IP_ADDRESS,
          value: '198.51.100.9',
          displayName: '',
          isActor: true,
        },
      ],
    }),
  );
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
  await publish(
    bus,
    subjects.alerts('high'),
    Alert,
    Alert.fromPartial({
      id: 'shell-1',
      severity: Severity.SEVERITY_HIGH,
      title: 'Reverse shell in web-7f9c',
      ruleId: 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
      detectorKind: DetectorKind.DETECTOR_KIND_RULE,
      attackTechniqueIds: ['T1059.004'],
      entities: [
        {
          kind: EntityKind.ENTITY_KIND_IP_ADDRESS,
          value: '203.0.113.50',
          displayName: '',
          isActor: false,
        },
        {
          kind: EntityKind.ENTITY_KIND_POD,
          value: 'shop/web-7f9c',
          displayName: '',
          isActor: true,
        },
      ],
    }),
  );
  const id = 'reverse-shell--shell-1';
  await until(
    id,
    (r) => r.workflow?.status === WorkflowStatus.WORKFLOW_STATUS_WAITING,
    'approval wait',
  );
  await client.signalWorkflow({
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
    escalate: 'completed',
  });
  expect(sink.bodies.find((b) => b.key === `${id}/escalate`)?.text).toBe(
    ':warning: reverse-shell failed at isolate: approval rejected by oncall: it is the pentest',
  );
}, 120_000);
