// The gateway's browser protocol (Connect and gRPC-Web on its web port) in a real `omega up` stack
// (trust, intelligence, orchestrator, gateway as built processes), called with curl and with
// connect-node's own clients, a bearer token from CreateToken as the only credential: unary and
// streaming calls, GatewayService's and forwarded methods, the gRPC port's refusals, the body
// limit and CORS.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileRegistry, fromBinary, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import type * as grpc from '@grpc/grpc-js';
import { CreateTokenRequest, DESCRIPTOR_SET_BASE64, GatewayServiceClient } from '@omega/proto';
import { createPromiseClient } from '@omega/runtime';
import { GATEWAY_WEB_PORT, LOCAL_PORTS, type ServiceName } from '@omega/service';
import { eventually } from '@omega/testkit';
import type { LocalStack } from './local-stack';
import { startSpecStack, type SpecStack } from './testing/spec-stack';
import { cliChannelCredentials } from './operator-identity';
import { curl as curlAt, envelope, frames, type CurlAnswer } from './testing/curl';
import { handledCalls } from './testing/grpc-probes';

const SERVICES: ServiceName[] = ['trust', 'intelligence', 'orchestrator', 'gateway'];
const CONSOLE = 'https://console.example.com';
const PLAYBOOK = `id: web-gated
steps:
  - id: contain
    action: annotate
    params: { text: 'approved by a human' }
    approval: { timeout_ms: 600000 }
`;

let running: SpecStack;
let stack: LocalStack;
let dataDir: string;
let admin: string;
let viewer: string;

/** The gateway's web port in this stack: 50058 shifted as every port is. */
function webPort(): number {
  return GATEWAY_WEB_PORT - LOCAL_PORTS.gateway.grpcPort + stack.portsOf('gateway').grpcPort;
}

beforeAll(async () => {
  running = await startSpecStack(SERVICES, {
    prefix: 'omega-gateway-web-',
    serviceEnv: {
      orchestrator: { OMEGA_ORCHESTRATOR_PLAYBOOK_DIR: '' },
      gateway: { OMEGA_GATEWAY_WEB_ALLOWED_ORIGINS: JSON.stringify([CONSOLE]) },
    },
  });
  ({ stack, dataDir } = running);
  // The operator's certificate, once, on the gRPC port: the browser's credential is a token.
  const credentials = await cliChannelCredentials(dataDir, 'gateway');
  const gateway = createPromiseClient(
    GatewayServiceClient,
    `127.0.0.1:${stack.portsOf('gateway').grpcPort}`,
    { credentials: credentials as grpc.ChannelCredentials, timeoutMs: 20_000 },
  );
  try {
    const token = (roles: string[]) =>
      gateway.createToken(CreateTokenRequest.fromPartial({ roles, description: 'web spec' }));
    admin = (await token([])).secret;
    viewer = (await token(['viewer'])).secret;
  } finally {
    gateway.close();
  }
}, 240_000);

afterAll(async () => {
  await running?.stop();
});

/** curl against the web port, verifying it with the CA `omega up` wrote. */
function curl(path: string, args: readonly string[]): Promise<CurlAnswer> {
  return curlAt(`https://localhost:${webPort()}${path}`, args, {
    caFile: join(dataDir, 'operator', 'ca.pem'),
    scratchDir: dataDir,
  });
}

/** A Connect unary call with a JSON body. */
function connectJson(method: string, body: unknown, token?: string): Promise<CurlAnswer> {
  return curl(`/${method}`, [
    '-H',
    'content-type: application/json',
    ...(token === undefined ? [] : ['-H', `authorization: Bearer ${token}`]),
    '--data-binary',
    JSON.stringify(body),
  ]);
}

const json = (answer: CurlAnswer): Record<string, unknown> =>
  JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;

/** A client of the service `name` in the contract, its methods called by their local names. */
type Methods = Record<string, (request: object, options?: { signal?: AbortSignal }) => unknown>;

function service(name: string): DescService {
  const registry = createFileRegistry(
    fromBinary(FileDescriptorSetSchema, Buffer.from(DESCRIPTOR_SET_BASE64, 'base64')),
  );
  const found = registry.getService(name);
  if (found === undefined) throw new Error(`${name} is not in the descriptor set`);
  return found;
}

const bearer =
  (token: string): Interceptor =>
  (next) =>
  (request) => {
    request.header.set('authorization', `Bearer ${token}`);
    return next(request);
  };

/**
 * connect-node's clients over HTTP/1.1 (curl speaks HTTP/2 to the port): Node 24.20+'s HTTP/2
 * client can report a complete response as a premature close (nodejs/node#65677).
 */
function transports(token: string) {
  const options = {
    baseUrl: `https://localhost:${webPort()}`,
    httpVersion: '1.1' as const,
    nodeOptions: { ca: readFileSync(join(dataDir, 'operator', 'ca.pem')) },
    interceptors: [bearer(token)],
  };
  return {
    connect: createConnectTransport(options),
    grpcWeb: createGrpcWebTransport(options),
  };
}

describe('the gateway web port (Connect and gRPC-Web) in omega up', () => {
  it('answers WhoAmI over Connect JSON with curl, the token’s holder as the principal', async () => {
    const answer = await connectJson('omega.v1.GatewayService/WhoAmI', {}, admin);
    expect(answer.protocol).toBe('HTTP/2');
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'content-type': 'application/json',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    expect(json(answer)).toMatchObject({
      principal: {
        id: 'omega://local/operator/cli',
        kind: 'PRINCIPAL_KIND_USER',
        roles: ['admin'],
        authMethod: 'AUTH_METHOD_TOKEN',
      },
    });
  });

  it('forwards unary calls to the orchestrator: PutPlaybook then ListPlaybooks with curl', async () => {
    const put = await connectJson(
      'omega.v1.OrchestratorService/PutPlaybook',
      { source: PLAYBOOK, sourceName: 'web.yml' },
      admin,
    );
    expect(put.status).toBe(200);
    const listed = await connectJson('omega.v1.OrchestratorService/ListPlaybooks', {}, admin);
    expect(listed.status).toBe(200);
    const playbooks = json(listed)['playbooks'] as { id: string }[];
    expect(playbooks.map((p) => p.id)).toContain('web-gated');
  });

  it('streams WatchWorkflow as Connect frames until the caller’s deadline ends it', async () => {
    const started = await connectJson(
      'omega.v1.OrchestratorService/StartPlaybook',
      { playbookId: 'web-gated', workflowId: 'watched-from-the-web' },
      admin,
    );
    expect(started.status).toBe(200);
    const request = join(dataDir, 'watch-request');
    writeFileSync(
      request,
      envelope(0, Buffer.from(JSON.stringify({ workflowId: 'watched-from-the-web' }))),
    );
    const answer = await curl('/omega.v1.OrchestratorService/WatchWorkflow', [
      '-H',
      'content-type: application/connect+json',
      '-H',
      'connect-protocol-version: 1',
      '-H',
      'connect-timeout-ms: 3000',
      '-H',
      `authorization: Bearer ${admin}`,
      '--data-binary',
      `@${request}`,
    ]);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/connect+json');
    const received = frames(answer.body);
    const updates = received.filter((frame) => frame.flags === 0);
    expect(updates.length).toBeGreaterThan(0);
    expect(JSON.parse(updates[0]?.data.toString('utf8') ?? '')).toMatchObject({
      workflow: { workflowId: 'watched-from-the-web', playbookId: 'web-gated' },
    });
    const end = received.at(-1);
    expect(end?.flags).toBe(2);
    expect(JSON.parse(end?.data.toString('utf8') ?? '')).toMatchObject({
      error: { code: 'deadline_exceeded' },
    });
  });

  it('refuses a call without a credential as the gRPC port does: unauthenticated, naming the method', async () => {
    const answer = await connectJson('omega.v1.OrchestratorService/ListPlaybooks', {});
    expect(answer.status).toBe(401);
    expect(json(answer)).toEqual({
      code: 'unauthenticated',
      message: expect.stringContaining(
        '/omega.v1.OrchestratorService/ListPlaybooks needs a credential',
      ) as unknown,
    });
  });

  it('accepts a client certificate from trust instead of a token, as the gRPC port does', async () => {
    const operator = join(dataDir, 'operator');
    const answer = await curl('/omega.v1.OrchestratorService/ListPlaybooks', [
      '--cert',
      join(operator, 'operator.pem'),
      '--key',
      join(operator, 'operator-key.pem'),
      '-H',
      'content-type: application/json',
      '--data-binary',
      '{}',
    ]);
    expect(answer.status).toBe(200);
    expect(json(answer)['playbooks']).toEqual(expect.arrayContaining([expect.anything()]));
  });

  it('refuses a viewer a state-changing method: permission_denied, naming the roles', async () => {
    const answer = await connectJson(
      'omega.v1.OrchestratorService/PutPlaybook',
      { source: PLAYBOOK, sourceName: 'web.yml' },
      viewer,
    );
    expect(answer.status).toBe(403);
    expect(json(answer)).toMatchObject({ code: 'permission_denied' });
    expect(json(answer)['message']).toMatch(
      /PutPlaybook: omega:\/\/local\/operator\/cli \(roles: viewer\) needs one of: /,
    );
  });

  it('refuses a body over gateway.web.maxRequestBytes with 413, naming the limit', async () => {
    const request = join(dataDir, 'oversized');
    writeFileSync(request, JSON.stringify({ source: 'x'.repeat(4 * 1024 * 1024) }));
    const answer = await curl('/omega.v1.OrchestratorService/ValidatePlaybook', [
      '-H',
      'content-type: application/json',
      '-H',
      `authorization: Bearer ${admin}`,
      '--data-binary',
      `@${request}`,
    ]);
    expect(answer.status).toBe(413);
    expect(json(answer)).toMatchObject({ code: 'resource_exhausted' });
    expect(json(answer)['message']).toContain('gateway.web.maxRequestBytes (4194304)');
  });

  it('answers a CORS preflight from an allowed origin and refuses one from any other', async () => {
    const preflight = (origin: string) =>
      curl('/omega.v1.GatewayService/WhoAmI', [
        '-X',
        'OPTIONS',
        '-H',
        `origin: ${origin}`,
        '-H',
        'access-control-request-method: POST',
        '-H',
        'access-control-request-headers: authorization, content-type',
      ]);
    const allowed = await preflight(CONSOLE);
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(allowed.headers['access-control-allow-methods']).toBe('POST');
    expect(allowed.headers['access-control-allow-headers']?.toLowerCase()).toContain(
      'authorization',
    );
    const refused = await preflight('https://evil.example.com');
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(json(refused)['message']).toBe(
      'origin https://evil.example.com is not in gateway.web.allowedOrigins',
    );
  });

  it('serves connect-node’s own clients: Connect binary unary and a gRPC-Web stream, whose cancel ends the orchestrator’s call', async () => {
    const { connect, grpcWeb } = transports(admin);
    const gateway = createClient(service('omega.v1.GatewayService'), connect) as Methods;
    const whoAmI = (await gateway['whoAmI']?.({})) as { principal?: { id: string } };
    expect(whoAmI.principal?.id).toBe('omega://local/operator/cli');

    const orchestrator = createClient(service('omega.v1.OrchestratorService'), grpcWeb) as Methods;
    const method = '/omega.v1.OrchestratorService/WatchWorkflow';
    const orchestratorHttp = stack.portsOf('orchestrator').httpPort;
    const before = await handledCalls(orchestratorHttp, method, 'Canceled');
    const controller = new AbortController();
    const seen: string[] = [];
    const watch = orchestrator['watchWorkflow'] as (
      request: object,
      options: { signal: AbortSignal },
    ) => AsyncIterable<{ workflow?: { workflowId: string } }>;
    const ended = await (async () => {
      for await (const update of watch(
        { workflowId: 'watched-from-the-web' },
        { signal: controller.signal },
      )) {
        seen.push(update.workflow?.workflowId ?? '');
        controller.abort();
      }
    })().catch((err: unknown) => err);
    expect(seen).toEqual(['watched-from-the-web']);
    expect(ConnectError.from(ended).code).toBe(Code.Canceled);
    await eventually('the orchestrator ended its WatchWorkflow call as cancelled', async () =>
      (await handledCalls(orchestratorHttp, method, 'Canceled')) > before ? true : undefined,
    );
  });

  it('refuses a viewer over gRPC-Web with the same code and message as Connect', async () => {
    const orchestrator = createClient(
      service('omega.v1.OrchestratorService'),
      transports(viewer).grpcWeb,
    ) as Methods;
    const refusal = await (orchestrator['putPlaybook'] as (request: object) => Promise<unknown>)({
      source: PLAYBOOK,
      sourceName: 'web.yml',
    }).catch((err: unknown) => ConnectError.from(err));
    expect(refusal).toMatchObject({ code: Code.PermissionDenied });
    expect((refusal as ConnectError).rawMessage).toMatch(/\(roles: viewer\) needs one of: /);
  });
});
