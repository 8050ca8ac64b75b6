// Test-only: what the shipped playbooks act on, as real processes: a kube-apiserver with pods in
// namespace `shop`, trust, deception and the twin as built, and helpers that publish an alert,
// poll a workflow and read back a block and an isolation. The orchestrator is the caller's (its
// notify webhook is what the specs vary).
import { connectBus, provision, publish, subjects, type Bus } from '@omega/bus';
import {
  Alert,
  DetectorKind,
  EntityKind,
  GraphNodeKind,
  OrchestratorServiceClient,
  type OrchestratorServiceService,
  Severity,
  SourceBlock,
  StepStatus,
  TwinServiceClient,
  WorkflowStatus,
  type GetWorkflowResponse,
} from '@omega/proto';
import { createPromiseClient, type PromiseClient } from '@omega/runtime';
import {
  eventually,
  startKubeApiServer,
  startTrust,
  type KubeApiServer,
  type NatsFixture,
  type TrustProcess,
} from '@omega/testkit';
import pino from 'pino';
import { loadKubernetesClient } from '../actions/kubernetes-client';
import { startOrchestrator, type OrchestratorProcess } from './orchestrator-process';
import { startBuiltService, type SpecService } from './spec-service';

export interface ShippedStack {
  bus: Bus;
  kube: KubeApiServer;
  trust: TrustProcess;
  deception: SpecService;
  twin: SpecService;
  /** An orchestrator replica wired to this stack, with `env` on top (e.g. its webhook). */
  orchestrator(name: string, env?: Record<string, string>): Promise<ShippedOrchestrator>;
  stop(): Promise<void>;
}

export interface ShippedOrchestrator {
  process: OrchestratorProcess;
  client: PromiseClient<typeof OrchestratorServiceService>;
  stop(): Promise<void>;
}

export async function startShippedStack(nats: NatsFixture, pods: string[]): Promise<ShippedStack> {
  const bus = await connectBus({
    servers: nats.url,
    name: 'shipped-spec',
    logger: pino({ level: 'silent' }),
  });
  await provision(bus, { streams: ['ALERTS', 'DLQ'], kv: ['omega_policy'] });
  const kube = await startKubeApiServer();
  const k8s = await loadKubernetesClient();
  const core = kube.kubeConfig.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'shop' } } });
  await core.createNamespacedServiceAccount({
    namespace: 'shop',
    body: { metadata: { name: 'default' } },
  });
  for (const pod of pods) {
    await core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: { name: pod, labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    });
  }
  const trust = await startTrust({ natsUrl: nats.url });
  const deception = await startBuiltService('deception', nats.url);
  // The twin follows the same API server, and has drawn every pod before an alert arrives.
  const twin = await startBuiltService('twin', nats.url, {
    OMEGA_TWIN_KUBERNETES_KUBECONFIG_PATH: kube.kubeconfigPath,
  });
  await twinHasDrawn(twin.address, pods);
  return {
    bus,
    kube,
    trust,
    deception,
    twin,
    async orchestrator(name, env = {}) {
      const process = await startOrchestrator(name, {
        OMEGA_NATS_SERVERS: nats.url,
        OMEGA_ORCHESTRATOR_TRUST_ADDRESS: trust.address,
        OMEGA_ORCHESTRATOR_DECEPTION_ADDRESS: deception.address,
        OMEGA_ORCHESTRATOR_TWIN_ADDRESS: twin.address,
        OMEGA_ORCHESTRATOR_KUBECONFIG_PATH: kube.kubeconfigPath,
        ...env,
      });
      const client = createPromiseClient(OrchestratorServiceClient, process.grpcAddress, {
        timeoutMs: 15_000,
      });
      return {
        process,
        client,
        async stop() {
          client.close();
          await process.stop();
        },
      };
    },
    async stop() {
      await Promise.all([trust.stop(), deception.stop(), twin.stop()]);
      await kube.stop();
      await bus.drain();
    },
  };
}

async function twinHasDrawn(address: string, pods: string[]): Promise<void> {
  const client = createPromiseClient(TwinServiceClient, address, { timeoutMs: 5_000 });
  try {
    const wanted = pods.map((pod) => `pod/shop/${pod}`);
    await eventually('the twin to draw the pods', async () => {
      const { graph } = await client.getGraph({
        namespaces: ['shop'],
        nodeKinds: [GraphNodeKind.GRAPH_NODE_KIND_POD],
        includeObservedFlows: false,
        snapshotId: '',
      });
      const ids = new Set(graph?.nodes.map((n) => n.id));
      return wanted.every((id) => ids.has(id)) ? true : undefined;
    });
  } finally {
    client.close();
  }
}

export interface AlertOptions {
  id: string;
  title: string;
  severity: Severity;
  ruleId: string;
  detectorKind: DetectorKind;
  attackTechniqueIds?: string[];
  /** The actor's address (alert.src_ip). */
  srcIp?: string;
  /** The remote end (alert.dst_ip). */
  dstIp?: string;
  /** namespace/name (alert.pod). */
  pod?: string;
}

export async function publishAlert(bus: Bus, options: AlertOptions): Promise<void> {
  const entities = [
    ...(options.srcIp ? [{ kind: EntityKind.ENTITY_KIND_IP_ADDRESS, value: options.srcIp }] : []),
    ...(options.dstIp
      ? [{ kind: EntityKind.ENTITY_KIND_IP_ADDRESS, value: options.dstIp, isActor: false }]
      : []),
    ...(options.pod ? [{ kind: EntityKind.ENTITY_KIND_POD, value: options.pod }] : []),
  ].map((e) => ({ displayName: '', isActor: true, ...e }));
  await publish(
    bus,
    subjects.alerts(Severity[options.severity].replace('SEVERITY_', '').toLowerCase()),
    Alert,
    Alert.fromPartial({
      id: options.id,
      severity: options.severity,
      title: options.title,
      ruleId: options.ruleId,
      detectorKind: options.detectorKind,
      attackTechniqueIds: options.attackTechniqueIds ?? [],
      entities,
    }),
  );
}

/** Polls GetWorkflow until `probe` holds (60 s), failing with the steps seen last. */
export async function untilWorkflow(
  client: PromiseClient<typeof OrchestratorServiceService>,
  workflowId: string,
  probe: (r: GetWorkflowResponse) => boolean,
  what: string,
): Promise<GetWorkflowResponse> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await client
      .getWorkflow({ workflowId, includeHistory: false })
      .catch(() => undefined);
    if (response && probe(response)) return response;
    if (Date.now() > deadline) {
      const status = WorkflowStatus[response?.workflow?.status ?? 0];
      const steps = response ? JSON.stringify(stepsOf(response)) : 'no answer';
      throw new Error(`${workflowId}: ${what} not reached: ${status} ${steps}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Step id → "completed", "failed", ... */
export function stepsOf(r: GetWorkflowResponse): Record<string, string> {
  return Object.fromEntries(
    (r.workflow?.steps ?? []).map((s) => [
      s.stepId,
      StepStatus[s.status].replace('STEP_STATUS_', '').toLowerCase(),
    ]),
  );
}

/** The source block on every node for `cidr`, if one is in force. */
export async function blockOf(bus: Bus, cidr: string): Promise<SourceBlock | undefined> {
  const entry = await (await bus.kv('omega_policy')).get(`block.all.${cidr}`);
  return entry?.operation === 'PUT' ? SourceBlock.decode(entry.value) : undefined;
}

/** The policy types of an isolation NetworkPolicy in `shop`, or undefined when it is gone. */
export async function isolationOf(kube: KubeApiServer, policy: string): Promise<string[]> {
  const k8s = await loadKubernetesClient();
  const found = await kube.kubeConfig
    .makeApiClient(k8s.NetworkingV1Api)
    .readNamespacedNetworkPolicy({ name: policy, namespace: 'shop' });
  return found.spec?.policyTypes ?? [];
}
