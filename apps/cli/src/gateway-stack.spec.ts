// The gateway in `omega up` (secure by default), with trust, intelligence and the orchestrator as
// built processes: an operator's certificate reaches every service through one port; streams, backend
// errors and a backend that is down behave as the service's own; callers without a credential, or
// whose row does not name the method, are refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  AuthMethod,
  DeceptionServiceClient,
  GatewayServiceClient,
  GetWorkflowRequest,
  ListAlertsRequest,
  ListDecoysRequest,
  ListPlaybooksRequest,
  IntelligenceServiceClient,
  OrchestratorServiceClient,
  PrincipalKind,
  ServingStatus,
  TrustServiceClient,
} from '@omega/proto';
import { createPromiseClient } from '@omega/runtime';
import type { ServiceName } from '@omega/service';
import {
  bootstrapChannelCredentials,
  channelCredentials,
  enroll,
  joinTokenFromFile,
} from '@omega/trust-client';
import { eventually, grpcurl } from '@omega/testkit';
import type { LocalStack } from './local-stack';
import { startSpecStack, type SpecStack } from './testing/spec-stack';
import { cliChannelCredentials } from './operator-identity';
import { handledCalls, healthOf } from './testing/grpc-probes';

const root = join(__dirname, '..', '..', '..');
const SERVICES: ServiceName[] = ['trust', 'intelligence', 'orchestrator', 'gateway'];
const GATED = `id: gated-at-the-gateway
steps:
  - id: contain
    action: annotate
    params: { text: 'approved by a human' }
    approval: { timeout_ms: 600000 }
`;

let running: SpecStack;
let stack: LocalStack;
let dataDir: string;
let operator: grpc.ChannelCredentials;

beforeAll(async () => {
  running = await startSpecStack(SERVICES, {
    prefix: 'omega-gateway-',
    serviceEnv: { orchestrator: { OMEGA_ORCHESTRATOR_PLAYBOOK_DIR: '' } },
  });
  ({ stack, dataDir } = running);
  const credentials = await cliChannelCredentials(dataDir, 'gateway');
  if (credentials === undefined) throw new Error(`no operator credential in ${dataDir}`);
  operator = credentials;
}, 240_000);

afterAll(async () => {
  await running?.stop();
});

function address(name: ServiceName): string {
  return `127.0.0.1:${stack.portsOf(name).grpcPort}`;
}

function throughGateway<D extends grpc.ServiceDefinition>(
  Client: Parameters<typeof createPromiseClient<D>>[0],
  credentials: grpc.ChannelCredentials = operator,
) {
  return createPromiseClient(Client, address('gateway'), { credentials, timeoutMs: 20_000 });
}

/** What `service` answered for `method` with `code`, by its /metrics. */
function handled(service: ServiceName, method: string, code: string): Promise<number> {
  return handledCalls(stack.portsOf(service).httpPort, method, code);
}

/** The contract's .proto files for grpcurl, instead of the gateway's reflection. */
function protoFiles(): string[] {
  return ['-import-path', join(root, 'proto'), '-proto', 'omega/v1/orchestrator.proto'];
}

/** The operator's certificate for grpcurl, and the CA it verifies the gateway's name with. */
function operatorFlags(): string[] {
  const dir = join(dataDir, 'operator');
  return [
    '-cacert',
    join(dir, 'ca.pem'),
    '-cert',
    join(dir, 'operator.pem'),
    '-key',
    join(dir, 'operator-key.pem'),
  ];
}

describe('the gateway in omega up (trust, intelligence, orchestrator and gateway as built processes)', () => {
  it('answers unary calls of each service for an operator, as the service itself does', async () => {
    const orchestrator = throughGateway(OrchestratorServiceClient);
    const direct = createPromiseClient(OrchestratorServiceClient, address('orchestrator'), {
      credentials: (await cliChannelCredentials(
        dataDir,
        'orchestrator',
      )) as grpc.ChannelCredentials,
      timeoutMs: 20_000,
    });
    const intelligence = throughGateway(IntelligenceServiceClient);
    const trust = throughGateway(TrustServiceClient);
    try {
      await orchestrator.putPlaybook({ source: GATED, sourceName: 'gated.yml' });
      const listed = await orchestrator.listPlaybooks(ListPlaybooksRequest.fromPartial({}));
      expect(listed).toEqual(await direct.listPlaybooks(ListPlaybooksRequest.fromPartial({})));
      expect(listed.playbooks.map((p) => p.id)).toContain('gated-at-the-gateway');
      await expect(
        intelligence.listAlerts(ListAlertsRequest.fromPartial({})),
      ).resolves.toMatchObject({ alerts: [] });
      const bundle = await trust.getTrustBundle({});
      expect(bundle.trustDomain).toBe('omega.local');
      expect(bundle.x509RootsDer.length).toBeGreaterThan(0);
    } finally {
      orchestrator.close();
      direct.close();
      intelligence.close();
      trust.close();
    }
  });

  it('keeps a backend error’s status and detail', async () => {
    const orchestrator = throughGateway(OrchestratorServiceClient);
    const direct = createPromiseClient(OrchestratorServiceClient, address('orchestrator'), {
      credentials: (await cliChannelCredentials(
        dataDir,
        'orchestrator',
      )) as grpc.ChannelCredentials,
    });
    try {
      const viaGateway = await orchestrator
        .getWorkflow(GetWorkflowRequest.fromPartial({ workflowId: 'no-such-run' }))
        .catch((e: unknown) => e);
      const straight = await direct
        .getWorkflow(GetWorkflowRequest.fromPartial({ workflowId: 'no-such-run' }))
        .catch((e: unknown) => e);
      expect((viaGateway as { cause: grpc.ServiceError }).cause).toMatchObject({
        code: grpc.status.NOT_FOUND,
        details: (straight as { cause: grpc.ServiceError }).cause.details,
      });
    } finally {
      orchestrator.close();
      direct.close();
    }
  });

  it('streams WatchWorkflow, and a cancel by the caller ends the orchestrator’s call', async () => {
    const orchestrator = throughGateway(OrchestratorServiceClient);
    const method = '/omega.v1.OrchestratorService/WatchWorkflow';
    const before = await handled('orchestrator', method, 'Canceled');
    try {
      const started = await orchestrator.startPlaybook({
        playbookId: 'gated-at-the-gateway',
        workflowId: 'watched-through-the-gateway',
        inputs: {},
        alertId: '',
        incidentId: '',
        dryRun: false,
      });
      const controller = new AbortController();
      const seen: string[] = [];
      await expect(
        (async () => {
          for await (const update of orchestrator.watchWorkflow(
            { workflowId: started.workflow?.workflowId ?? '' },
            { signal: controller.signal, timeoutMs: Infinity },
          )) {
            seen.push(update.workflow?.workflowId ?? '');
            controller.abort();
          }
        })(),
      ).rejects.toMatchObject({ code: grpc.status.CANCELLED });
      expect(seen).toEqual(['watched-through-the-gateway']);
      await eventually('the orchestrator ended its WatchWorkflow call as cancelled', async () =>
        (await handled('orchestrator', method, 'Canceled')) > before ? true : undefined,
      );
    } finally {
      orchestrator.close();
    }
  });

  it('answers a service whose backend is down with UNAVAILABLE naming it, without waiting', async () => {
    const deception = throughGateway(DeceptionServiceClient);
    try {
      await expect(deception.listDecoys(ListDecoysRequest.fromPartial({}))).rejects.toMatchObject({
        code: grpc.status.UNAVAILABLE,
        cause: expect.objectContaining({
          details: expect.stringContaining(
            `/omega.v1.DeceptionService/ListDecoys: backend deception at ${address('deception')} is unavailable`,
          ),
        }),
      });
    } finally {
      deception.close();
    }
  });

  it('serves grpc.health.v1 for itself and GetServerInfo with which backends answer', async () => {
    await expect(healthOf(address('gateway'), '', operator)).resolves.toBe('SERVING');
    await expect(
      healthOf(address('gateway'), 'omega.v1.OrchestratorService', operator),
    ).resolves.toBe('SERVING');
    const gateway = throughGateway(GatewayServiceClient);
    try {
      const info = await gateway.getServerInfo({});
      expect(info.version).toBe(
        (
          JSON.parse(readFileSync(join(root, 'apps', 'gateway', 'package.json'), 'utf8')) as {
            version: string;
          }
        ).version,
      );
      expect(info.cluster).toBe('local');
      const status = Object.fromEntries(info.services.map((s) => [s.name, s.status]));
      expect(status).toMatchObject({
        'omega.v1.TrustService': ServingStatus.SERVING_STATUS_SERVING,
        'omega.v1.IntelligenceService': ServingStatus.SERVING_STATUS_SERVING,
        'omega.v1.OrchestratorService': ServingStatus.SERVING_STATUS_SERVING,
        'omega.v1.DeceptionService': ServingStatus.SERVING_STATUS_NOT_SERVING,
        'omega.v1.TwinService': ServingStatus.SERVING_STATUS_NOT_SERVING,
      });
    } finally {
      gateway.close();
    }
  });

  it('says who the caller is, and what the permission table lets it or another identity call', async () => {
    const gateway = throughGateway(GatewayServiceClient);
    const listPlaybooks = '/omega.v1.OrchestratorService/ListPlaybooks';
    const deployDecoy = '/omega.v1.DeceptionService/DeployDecoy';
    try {
      const { principal } = await gateway.whoAmI({});
      expect(principal).toMatchObject({
        id: 'omega://local/operator/cli',
        kind: PrincipalKind.PRINCIPAL_KIND_USER,
        authMethod: AuthMethod.AUTH_METHOD_MTLS,
      });
      expect(principal?.expireTimeNs).toBeGreaterThan(BigInt(Date.now()) * 1_000_000n);
      const mine = await gateway.checkAccess({ methods: [listPlaybooks], principalId: '' });
      expect(mine.decisions).toEqual([
        expect.objectContaining({ method: listPlaybooks, allowed: true }),
      ]);
      const all = await gateway.checkAccess({ methods: [], principalId: '' });
      expect(all.decisions.find((d) => d.method.endsWith('/RenewIdentity'))).toMatchObject({
        allowed: false,
        reason: expect.stringContaining('not served by the gateway'),
      });
      const orchestrator = await gateway.checkAccess({
        methods: [deployDecoy, listPlaybooks],
        principalId: 'omega://local/service/orchestrator',
      });
      expect(orchestrator.decisions.map((d) => [d.method, d.allowed, d.reason])).toEqual([
        [deployDecoy, true, expect.stringContaining('service/orchestrator')],
        [
          listPlaybooks,
          false,
          `${listPlaybooks}: omega://local/service/orchestrator may not call it (allowed: operator/*, service/gateway)`,
        ],
      ]);
    } finally {
      gateway.close();
    }
  });

  it('refuses a caller without a credential, naming what the method needs', async () => {
    const caPem = readFileSync(join(dataDir, 'trust', 'keys', 'trust-ca.pem'), 'utf8');
    const orchestrator = throughGateway(
      OrchestratorServiceClient,
      bootstrapChannelCredentials(caPem),
    );
    try {
      await expect(
        orchestrator.listPlaybooks(ListPlaybooksRequest.fromPartial({})),
      ).rejects.toMatchObject({
        code: grpc.status.UNAUTHENTICATED,
        message: expect.stringContaining(
          '/omega.v1.OrchestratorService/ListPlaybooks needs a credential: a bearer token or a client certificate from trust',
        ),
      });
    } finally {
      orchestrator.close();
    }
  });

  it('refuses a workload whose row does not name the method, naming the method and the caller', async () => {
    const keys = join(dataDir, 'trust', 'keys');
    const caPem = readFileSync(join(keys, 'trust-ca.pem'), 'utf8');
    const joinToken = joinTokenFromFile(
      readFileSync(join(keys, 'join-tokens'), 'utf8'),
      'sentinel',
      '*',
    );
    if (joinToken === undefined) throw new Error('no sentinel/* join token in the stack');
    const sentinel = await enroll({
      trustAddress: address('trust'),
      subjectKind: 'sentinel',
      name: 'gateway-test-node',
      joinToken,
      channelCredentials: bootstrapChannelCredentials(caPem),
    });
    const orchestrator = throughGateway(
      OrchestratorServiceClient,
      channelCredentials(sentinel, { expectedServerSubject: 'omega://local/service/gateway' }),
    );
    try {
      await expect(
        orchestrator.listPlaybooks(ListPlaybooksRequest.fromPartial({})),
      ).rejects.toMatchObject({
        code: grpc.status.PERMISSION_DENIED,
        cause: expect.objectContaining({
          details:
            '/omega.v1.OrchestratorService/ListPlaybooks: omega://local/sentinel/gateway-test-node may not call it (allowed: operator/*, service/gateway)',
        }),
      });
    } finally {
      orchestrator.close();
    }
  });

  it('answers grpcurl with an operator certificate: a unary call (by reflection), and a stream until its deadline', async () => {
    // Described by the gateway's server reflection: no .proto file given.
    const listed = await grpcurl([
      ...operatorFlags(),
      '-d',
      '{}',
      address('gateway'),
      'omega.v1.OrchestratorService/ListPlaybooks',
    ]);
    expect(listed).toMatchObject({ code: 0 });
    expect(listed.stdout).toContain('"id": "gated-at-the-gateway"');

    // With the .proto files instead; -max-time is grpcurl's deadline: the stream delivers the
    // workflow, then ends with it.
    const watched = await grpcurl([
      ...operatorFlags(),
      ...protoFiles(),
      '-max-time',
      '3',
      '-d',
      '{"workflow_id": "watched-through-the-gateway"}',
      address('gateway'),
      'omega.v1.OrchestratorService/WatchWorkflow',
    ]);
    expect(watched.stdout).toContain('"workflowId": "watched-through-the-gateway"');
    expect(watched.stderr).toContain('DeadlineExceeded');
    expect(watched.code).not.toBe(0);
  });

  it('refuses grpcurl without a certificate or token', async () => {
    const refused = await grpcurl([
      '-cacert',
      join(dataDir, 'operator', 'ca.pem'),
      ...protoFiles(),
      '-d',
      '{}',
      address('gateway'),
      'omega.v1.OrchestratorService/ListPlaybooks',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('Code: Unauthenticated');
    expect(refused.stderr).toContain('needs a credential');
  });
});
