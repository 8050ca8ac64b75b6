// The gateway's web port without TLS (development: authorization off), on a real nats-server,
// called with Node's fetch and connect-node's client: Connect JSON and binary, the endpoint's
// rules (POST only, origins, body limit, headers) and a forwarded call whose backend is down;
// and with TLS, a renewed certificate served to new connections without a restart.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { DESCRIPTOR_SET_BASE64 } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import type { Credentials, CredentialSource } from '@omega/trust-client';
import { freePort, withNats } from '@omega/testkit';
import { gatewayConfigSchema } from './gateway-config';
import type { GatewayServiceConfig } from './gateway-service';
import { startGateway } from './testing/start-gateway';
import { WebEndpoint } from './web-endpoint';
import { WEB_CALLS_METRIC } from './web-gateway';

const CONSOLE = 'http://localhost:5173';
const MAX_REQUEST_BYTES = 2048;
const nats = withNats({ jetstream: true });
let running: RunningService<GatewayServiceConfig>;
let webPort: number;

beforeAll(async () => {
  webPort = await freePort();
  running = await startGateway(nats.url, {
    OMEGA_GATEWAY_WEB_PORT: String(webPort),
    OMEGA_GATEWAY_WEB_ALLOWED_ORIGINS: JSON.stringify([CONSOLE]),
    OMEGA_GATEWAY_WEB_MAX_REQUEST_BYTES: String(MAX_REQUEST_BYTES),
    // Nothing listens there: a forwarded call is answered UNAVAILABLE at once.
    OMEGA_GATEWAY_ORCHESTRATOR_ADDRESS: `127.0.0.1:${await freePort()}`,
  });
}, 30_000);

nats.beforeStop(async () => {
  await running?.service.shutdown('test done');
});

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${webPort}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('the gateway web port without TLS', () => {
  it('answers WhoAmI over Connect JSON: anonymous, as on the gRPC port with authorization off', async () => {
    const answer = await post('/omega.v1.GatewayService/WhoAmI', '{}');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await answer.json()).toMatchObject({
      principal: { id: 'anonymous', authMethod: 'AUTH_METHOD_ANONYMOUS' },
    });
    const counted = await running.service.metrics.getSingleMetric(WEB_CALLS_METRIC)?.get();
    expect(counted?.values).toContainEqual(
      expect.objectContaining({
        labels: {
          grpc_service: 'omega.v1.GatewayService',
          grpc_method: 'WhoAmI',
          grpc_code: 'OK',
          protocol: 'connect',
        },
      }),
    );
  });

  it('serves connect-node’s client in the binary format, and keeps a forwarded call’s backend error', async () => {
    const registry = createFileRegistry(
      fromBinary(FileDescriptorSetSchema, Buffer.from(DESCRIPTOR_SET_BASE64, 'base64')),
    );
    const transport = createConnectTransport({
      baseUrl: `http://127.0.0.1:${webPort}`,
      httpVersion: '1.1',
      useBinaryFormat: true,
    });
    type Methods = Record<string, (request: object) => Promise<unknown>>;
    const service = (name: string) => {
      const found = registry.getService(name);
      if (found === undefined) throw new Error(`${name} is not in the descriptor set`);
      return createClient(found, transport) as Methods;
    };
    const info = (await service('omega.v1.GatewayService')['getServerInfo']?.({})) as {
      services: { name: string }[];
    };
    expect(info.services.map((served) => served.name)).toContain('omega.v1.OrchestratorService');
    const refusal = await service('omega.v1.OrchestratorService')
      ['listPlaybooks']?.({})
      .catch((err: unknown) => ConnectError.from(err));
    expect(refusal).toMatchObject({ code: Code.Unavailable });
    expect((refusal as ConnectError).rawMessage).toMatch(
      /^\/omega\.v1\.OrchestratorService\/ListPlaybooks: backend orchestrator at 127\.0\.0\.1:\d+ is unavailable: /,
    );
  });

  it('serves only POST', async () => {
    const answer = await fetch(`http://127.0.0.1:${webPort}/omega.v1.GatewayService/WhoAmI`);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
    expect(await answer.json()).toEqual({
      code: 'unimplemented',
      message: 'GET /omega.v1.GatewayService/WhoAmI: only POST is served',
    });
  });

  it('takes calls from its own origin and allowed ones, refuses other origins', async () => {
    const whoAmI = (origin: string) => post('/omega.v1.GatewayService/WhoAmI', '{}', { origin });
    expect((await whoAmI(`http://127.0.0.1:${webPort}`)).status).toBe(200);
    const allowed = await whoAmI(CONSOLE);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(allowed.headers.get('vary')).toBe('Origin');
    const refused = await whoAmI('http://localhost:5174');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a body over the limit: by its length before reading it, and a body of no stated length as it reads', async () => {
    const big = JSON.stringify({ source: 'x'.repeat(MAX_REQUEST_BYTES) });
    const stated = await post('/omega.v1.OrchestratorService/ValidatePlaybook', big);
    expect(stated.status).toBe(413);
    expect(await stated.json()).toEqual({
      code: 'resource_exhausted',
      message: `/omega.v1.OrchestratorService/ValidatePlaybook: request body of ${big.length} bytes is over gateway.web.maxRequestBytes (${MAX_REQUEST_BYTES})`,
    });
    const unstated = await fetch(
      `http://127.0.0.1:${webPort}/omega.v1.OrchestratorService/ValidatePlaybook`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(big));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit,
    );
    expect(await unstated.json()).toMatchObject({ code: 'resource_exhausted' });
  });

  it('takes only exact origins in gateway.web.allowedOrigins', () => {
    const origins = (allowedOrigins: string[]) =>
      gatewayConfigSchema.safeParse({ web: { allowedOrigins } }).success;
    expect(origins(['https://console.example.com', 'http://localhost:5173'])).toBe(true);
    expect(origins(['*'])).toBe(false);
    expect(origins(['https://*.example.com'])).toBe(false);
    expect(origins(['https://console.example.com/'])).toBe(false);
    expect(origins(['https://console.example.com/app'])).toBe(false);
  });
});

/** A self-signed certificate for 127.0.0.1 (openssl), as the TLS parts of a credential. */
function selfSigned(dir: string, name: string): Credentials {
  const key = join(dir, `${name}-key.pem`);
  const cert = join(dir, `${name}.pem`);
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  const pem = readFileSync(cert, 'utf8');
  // Only what the TLS server reads; the rest of a trust credential plays no part here.
  return {
    tlsPrivateKey: createPrivateKey(readFileSync(key)),
    certificateChainPem: pem,
    trustBundlePem: pem,
  } as Partial<Credentials> as Credentials;
}

/** The certificate a new TLS connection to `port` is served, checked against `ca`. */
function servedCertificate(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, ALPNProtocols: ['h2'] }, () => {
      resolve(new X509Certificate(socket.getPeerCertificate().raw).subject);
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('the gateway web port with TLS', () => {
  it('serves a renewed certificate to new connections without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-web-tls-'));
    const first = selfSigned(dir, 'first');
    const renewed = selfSigned(dir, 'renewed');
    const listeners: ((credentials: Credentials) => void)[] = [];
    let current = first;
    const source: CredentialSource = {
      current: () => current,
      onRenewed: (listener) => {
        listeners.push(listener);
        return () => undefined;
      },
    };
    const registry = createFileRegistry(
      fromBinary(FileDescriptorSetSchema, Buffer.from(DESCRIPTOR_SET_BASE64, 'base64')),
    );
    const endpoint = await WebEndpoint.start({
      host: '127.0.0.1',
      port: 0,
      credentials: source,
      allowedOrigins: [],
      maxRequestBytes: 1024,
      routes: () => undefined,
      jsonRegistry: registry,
      logger: createLogger({ service: 'gateway', level: 'silent' }),
    });
    try {
      expect(await servedCertificate(endpoint.port, first.trustBundlePem)).toBe('CN=first');
      current = renewed;
      for (const listener of listeners) listener(renewed);
      expect(await servedCertificate(endpoint.port, renewed.trustBundlePem)).toBe('CN=renewed');
    } finally {
      await endpoint.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
