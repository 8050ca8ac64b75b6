// A small mutual-TLS mesh for authorization specs: the real trust (built, TLS on) on the spec's
// nats-server, every other omega.v1 service served through runService (enrollment with a join
// token, the revocation watch, the permission-table check) by a stub whose unary methods all
// answer OK, and callers with real certificates from trust, a self-signed one, or none.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { serviceDefinitions } from '@omega/proto';
import { implementService, type ServiceHandlers } from '@omega/runtime';
import { localServiceEnv, startTrust, type TrustProcess } from '@omega/testkit';
import {
  bootstrapChannelCredentials,
  channelCredentials,
  enroll,
  joinTokenFromFile,
  type Credentials,
  type SubjectKind,
} from '@omega/trust-client';
import type { ServiceName } from '../local-ports';
import { runService, type RunningService } from '../run-service';

/** The services served by stubs (trust is the real one). */
export const STUB_SERVICES = [
  'intelligence',
  'orchestrator',
  'deception',
  'twin',
  'sentinel',
  'gateway',
] as const satisfies readonly ServiceName[];
export type StubService = (typeof STUB_SERVICES)[number];

/** The sentinel stub enrolls as this node. */
export const SENTINEL_NODE = 'node-a';

export interface Mesh {
  readonly trust: TrustProcess;
  readonly caPem: string;
  /** `127.0.0.1:<port>` of trust or a stub. */
  address(server: StubService | 'trust'): string;
  /** The stub's own identity (the orchestrator calls deception and the twin with it). */
  identityOf(server: StubService): Credentials;
  /** Enrolls `kind/name` with the join token trust minted for it at start. */
  enrollCaller(kind: SubjectKind, name: string): Promise<Credentials>;
  stop(): Promise<void>;
}

/** `callers`: the `<kind>/<name>` the spec enrolls as callers, each minted a join token at start. */
export async function startMesh(natsUrl: string, callers: readonly string[]): Promise<Mesh> {
  const stubSubjects = STUB_SERVICES.map((name) =>
    name === 'sentinel' ? `sentinel/${SENTINEL_NODE}` : `service/${name}`,
  );
  const trust = await startTrust({
    natsUrl,
    env: {
      OMEGA_TLS_ENABLED: 'true',
      OMEGA_IDENTITY_JOIN_TOKENS_STARTUP: [...stubSubjects, ...callers].join(','),
    },
  });
  const tokensFile = join(trust.keyDir, 'join-tokens');
  const caPem = readFileSync(join(trust.keyDir, 'trust-ca.pem'), 'utf8');
  const running = new Map<StubService, RunningService<unknown>>();
  const stop = async (): Promise<void> => {
    for (const stub of running.values()) await stub.service.shutdown('spec over');
    await trust.stop();
  };
  try {
    for (const name of STUB_SERVICES) {
      running.set(name, await startStub(name, natsUrl, trust.address, tokensFile));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const stub = (name: StubService): RunningService<unknown> => {
    const found = running.get(name);
    if (found === undefined) throw new Error(`mesh: no stub ${name}`);
    return found;
  };
  return {
    trust,
    caPem,
    address: (server) =>
      server === 'trust' ? trust.address : `127.0.0.1:${stub(server).grpcPort}`,
    identityOf: (server) => {
      const identity = stub(server).identity;
      if (identity === undefined) throw new Error(`mesh: ${server} has no identity`);
      return identity.current();
    },
    enrollCaller: (kind, name) => {
      const token = joinTokenFromFile(readFileSync(tokensFile, 'utf8'), kind, name);
      if (token === undefined)
        throw new Error(`mesh: trust minted no join token for ${kind}/${name}`);
      return enroll({
        trustAddress: trust.address,
        subjectKind: kind,
        name,
        joinToken: token,
        channelCredentials: bootstrapChannelCredentials(caPem),
      });
    },
    stop,
  };
}

async function startStub(
  name: StubService,
  natsUrl: string,
  trustAddress: string,
  joinTokenFile: string,
): Promise<RunningService<unknown>> {
  const definition = serviceDefinitions[
    `omega.v1.${name.charAt(0).toUpperCase()}${name.slice(1)}Service` as keyof typeof serviceDefinitions
  ] as grpc.ServiceDefinition;
  const handlers: Record<string, () => unknown> = {};
  for (const [key, method] of Object.entries(definition)) {
    if (!method.responseStream) handlers[key] = () => method.responseDeserialize(Buffer.alloc(0));
  }
  return (await runService({
    name,
    resources: {},
    installSignalHandlers: false,
    argv: [],
    env: localServiceEnv(natsUrl, {
      OMEGA_LOG_LEVEL: 'error',
      OMEGA_TLS_ENABLED: 'true',
      OMEGA_ENROLLMENT_MODE: 'join-token',
      OMEGA_ENROLLMENT_TRUST_ADDRESS: trustAddress,
      OMEGA_ENROLLMENT_JOIN_TOKEN_FILE: joinTokenFile,
    }),
    ...(name === 'sentinel'
      ? { enrollAs: () => ({ kind: 'sentinel' as const, name: SENTINEL_NODE }) }
      : {}),
    build: ({ service }) => {
      service.addGrpcService(
        definition,
        implementService(
          definition,
          handlers as ServiceHandlers<grpc.ServiceDefinition>,
          service.handlerOptions,
        ),
      );
    },
  })) as RunningService<unknown>;
}

/** A status as the caller saw it. */
export interface Answer {
  readonly code: grpc.status;
  readonly details: string;
}

/** Calls the unary method at `path` (`/omega.v1.X/Method`) with `request` (default: empty). */
export async function callMethod(
  address: string,
  path: string,
  credentials: grpc.ChannelCredentials,
  request?: unknown,
): Promise<Answer> {
  const method = Object.values(serviceDefinitions)
    .flatMap((definition) => Object.values(definition as grpc.ServiceDefinition))
    .find((m) => m.path === path);
  if (method === undefined) throw new Error(`no method ${path} in the contract`);
  const client = new grpc.Client(address, credentials);
  try {
    return await new Promise<Answer>((resolve) =>
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request ?? method.requestDeserialize(Buffer.alloc(0)),
        { deadline: Date.now() + 15_000 },
        (err: grpc.ServiceError | null) =>
          resolve({ code: err ? err.code : grpc.status.OK, details: err ? err.details : '' }),
      ),
    );
  } finally {
    client.close();
  }
}

/** Channel credentials presenting `credentials`' certificate. */
export function presenting(credentials: Credentials): grpc.ChannelCredentials {
  return channelCredentials(credentials);
}

/**
 * Channel credentials presenting a self-signed certificate naming `subject`: the right shape, an
 * issuer trust never was (what someone who wrote an identity record into KV can make).
 */
export function selfSigned(subject: string, caPem: string): grpc.ChannelCredentials {
  const dir = mkdtempSync(join(tmpdir(), 'omega-forged-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=forged',
        '-addext',
        `subjectAltName=URI:${subject}`,
      ],
      { stdio: 'ignore' },
    );
    return grpc.credentials.createSsl(
      Buffer.from(caPem),
      readFileSync(join(dir, 'key.pem')),
      readFileSync(join(dir, 'cert.pem')),
      { checkServerIdentity: () => undefined },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
