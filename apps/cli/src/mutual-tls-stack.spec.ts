// `omega up` (secure by default) from built services: every service enrolls with trust using the join token
// trust wrote for it, serves gRPC over mutual TLS 1.3 (X25519MLKEM768 key exchange) with the
// certificate trust issued, and refuses peers without a certificate from trust. Trust itself lets
// workloads enroll and read the public log without one, and takes writes only from the callers the
// method permission table names (docs/authorization.md).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { service as healthServiceDefinition } from 'grpc-health-check';
import {
  AuditEntry,
  AuditEntryKind,
  ListIdentitiesRequest,
  TrustServiceClient,
  type ListAuditEntriesResponse,
  type SignResponse,
} from '@omega/proto';
import {
  bootstrapChannelCredentials,
  enroll,
  joinTokenFromFile,
  renewingChannelCredentials,
  tlsContextOptions,
  type Credentials,
} from '@omega/trust-client';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createPromiseClient } from '@omega/runtime';
import type { LocalStack } from './local-stack';
import { startSpecStack, type SpecStack } from './testing/spec-stack';
import { cliChannelCredentials, operatorBusOptions, readOperatorFiles } from './operator-identity';

const root = join(__dirname, '..', '..', '..');
const TWIN_SUBJECT = 'omega://local/service/twin';

let output: string[] = [];
let spec: SpecStack | undefined;
let stack: LocalStack;
let dataDir: string;
let caPem: string;
let client: Credentials;
let gateway: Credentials;
let operator: Credentials;

beforeAll(async () => {
  for (const name of ['trust', 'twin']) {
    if (!existsSync(join(root, 'apps', name, 'dist', 'main.js'))) {
      throw new Error(`${name} is not built: run \`npm run build\` (npm test does it)`);
    }
  }
  dataDir = mkdtempSync(join(tmpdir(), 'omega-mtls-'));
  spec = await startSpecStack(['trust', 'twin'], {
    prefix: 'omega-mtls-',
    stateDir: dataDir,
    // Callers the table lets write to trust, which this stack does not run.
    extraJoinTokens: ['service/gateway', 'operator/mtls-test-operator'],
  });
  stack = spec.stack;
  output = spec.output;
  const keys = join(dataDir, 'trust', 'keys');
  caPem = readFileSync(join(keys, 'trust-ca.pem'), 'utf8');
  // The stack mints `sentinel/*` for sentinels; with none running, the test enrolls with it.
  const joinToken = joinTokenFromFile(
    readFileSync(join(keys, 'join-tokens'), 'utf8'),
    'sentinel',
    '*',
  );
  if (joinToken === undefined) throw new Error('no sentinel/* join token in the stack');
  client = await enroll({
    trustAddress: address('trust'),
    subjectKind: 'sentinel',
    name: 'mtls-test-node',
    joinToken,
    channelCredentials: bootstrapChannelCredentials(caPem),
  });
  gateway = await enrollWithToken('service', 'gateway');
  operator = await enrollWithToken('operator', 'mtls-test-operator');
}, 240_000);

async function enrollWithToken(kind: 'service' | 'operator', name: string): Promise<Credentials> {
  const tokens = readFileSync(join(dataDir, 'trust', 'keys', 'join-tokens'), 'utf8');
  const joinToken = joinTokenFromFile(tokens, kind, name);
  if (joinToken === undefined) throw new Error(`no ${kind}/${name} join token in the stack`);
  return enroll({
    trustAddress: address('trust'),
    subjectKind: kind,
    name,
    joinToken,
    channelCredentials: bootstrapChannelCredentials(caPem),
  });
}

afterAll(async () => {
  await spec?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function address(name: 'trust' | 'twin'): string {
  return `127.0.0.1:${stack.portsOf(name).grpcPort}`;
}

function source(credentials: Credentials) {
  return { current: () => credentials, onRenewed: () => () => undefined };
}

/** The gRPC health status the server at `target` reports, e.g. SERVING. */
async function healthOf(target: string, credentials: grpc.ChannelCredentials): Promise<string> {
  const Health = grpc.makeClientConstructor(
    healthServiceDefinition as unknown as grpc.ServiceDefinition,
    'Health',
  );
  const health = new Health(target, credentials) as unknown as grpc.Client & {
    check(
      request: { service: string },
      options: grpc.CallOptions,
      callback: (err: grpc.ServiceError | null, reply: { status: string }) => void,
    ): void;
  };
  try {
    return await new Promise((resolve, reject) =>
      health.check({ service: '' }, { deadline: Date.now() + 10_000 }, (err, reply) =>
        err ? reject(err) : resolve(reply.status),
      ),
    );
  } finally {
    health.close();
  }
}

function appendAudit(credentials: grpc.ChannelCredentials, requestId: string): Promise<unknown> {
  const trust = new TrustServiceClient(address('trust'), credentials);
  return new Promise<unknown>((resolve, reject) => {
    trust.appendAudit(
      {
        entry: AuditEntry.fromPartial({
          kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
          timeNs: 1n,
          subject: requestId,
          summary: 'mutual TLS stack test',
        }),
        requestId,
        commit: false,
      },
      new grpc.Metadata(),
      { deadline: Date.now() + 30_000 },
      (err, response) => (err ? reject(err) : resolve(response)),
    );
  }).finally(() => trust.close());
}

describe('omega up, secure by default (trust + twin as built processes)', () => {
  it('enrolls each service with its join token and logs it', () => {
    expect(output.join('\n')).toContain(`enrolled with trust as ${TWIN_SUBJECT}`);
    expect(client.subject).toBe('omega://local/sentinel/mtls-test-node');
  });

  it('a service answers a peer holding a certificate from trust', async () => {
    await expect(
      healthOf(
        address('twin'),
        renewingChannelCredentials(source(client), { expectedServerSubject: TWIN_SUBJECT }),
      ),
    ).resolves.toBe('SERVING');
  });

  it('a service refuses a peer without a client certificate', async () => {
    await expect(
      healthOf(address('twin'), bootstrapChannelCredentials(caPem)),
    ).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it('a service refuses a peer whose certificate another CA issued', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-foreign-ca-'));
    try {
      // A self-signed certificate naming an omega:// subject: right shape, wrong issuer.
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
          '/CN=intruder',
          '-addext',
          'subjectAltName=URI:omega://local/service/gateway',
        ],
        { stdio: 'ignore' },
      );
      const foreign = grpc.credentials.createSsl(
        Buffer.from(caPem),
        readFileSync(join(dir, 'key.pem')),
        readFileSync(join(dir, 'cert.pem')),
      );
      await expect(healthOf(address('twin'), foreign)).rejects.toMatchObject({
        code: grpc.status.UNAVAILABLE,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a real connection to a service negotiates TLS 1.3 with X25519MLKEM768', async () => {
    const { grpcPort: port } = stack.portsOf('twin');
    const socket = tls.connect({
      host: '127.0.0.1',
      port: port,
      ...tlsContextOptions(client),
      ALPNProtocols: ['h2'],
      checkServerIdentity: () => undefined,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', resolve);
        socket.once('error', reject);
      });
      expect(socket.getProtocol()).toBe('TLSv1.3');
      expect(socket.getEphemeralKeyInfo()).toMatchObject({ name: 'X25519MLKEM768' });
      expect(socket.getPeerCertificate().subjectaltname).toContain(`URI:${TWIN_SUBJECT}`);
    } finally {
      socket.destroy();
    }
  });

  it('trust refuses an audit append from a peer without a certificate, naming the check', async () => {
    await expect(
      appendAudit(bootstrapChannelCredentials(caPem), 'mtls-no-cert'),
    ).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
      details: expect.stringContaining(
        '/omega.v1.TrustService/AppendAudit: needs a client certificate from trust',
      ),
    });
  });

  it('trust refuses an audit append from a workload the permission table does not name', async () => {
    await expect(
      appendAudit(renewingChannelCredentials(source(operator)), 'mtls-operator'),
    ).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      details: expect.stringContaining(
        '/omega.v1.TrustService/AppendAudit: omega://local/operator/mtls-test-operator may not call it',
      ),
    });
  });

  it('trust takes an audit append from a writer the table names, with a certificate from trust', async () => {
    await expect(
      appendAudit(renewingChannelCredentials(source(gateway)), 'mtls-with-cert'),
    ).resolves.toMatchObject({ audit: expect.objectContaining({ logIndex: expect.any(BigInt) }) });
  });

  it('trust signs for an operator as its own service identity, naming the operator in the log', async () => {
    const trust = new TrustServiceClient(
      address('trust'),
      renewingChannelCredentials(source(operator)),
    );
    try {
      const signed = await new Promise<SignResponse>((resolve, reject) =>
        trust.sign(
          { payload: Buffer.from('mtls sign test'), purpose: 'spec-note', requestId: 'mtls-sign' },
          (err, response) => (err ? reject(err) : resolve(response)),
        ),
      );
      expect(signed.signedPurpose).toBe('delegated.spec-note');
      expect(signed.signer?.id).toMatch(/\/service\/trust$/);
      const listed = await new Promise<ListAuditEntriesResponse>((resolve, reject) =>
        trust.listAuditEntries(
          { startIndex: signed.audit!.logIndex, pageSize: 1, kind: 0, subject: '' },
          (err, response) => (err ? reject(err) : resolve(response)),
        ),
      );
      expect(listed.records[0]?.entry?.summary).toContain(`for ${operator.subject}`);
    } finally {
      trust.close();
    }
  });
});

describe('the bus and the operator on a secure stack', () => {
  it('nats-server refuses a client without a certificate from trust', async () => {
    await expect(
      connect({ servers: stack.natsUrl!, tls: { ca: caPem }, reconnect: false, timeout: 5_000 }),
    ).rejects.toThrow();
  });

  it('omega up enrolled operator/cli and wrote its credential for the CLI (key mode 0600)', async () => {
    const files = await readOperatorFiles(dataDir);
    expect(files).toBeDefined();
    expect(statSync(join(dataDir, 'operator', 'operator-key.pem')).mode & 0o777).toBe(0o600);
    expect(output.join('\n')).toContain('operator/cli enrolled');
  });

  it('the operator reads the bus (ALERTS) but may not publish an alert', async () => {
    const files = (await readOperatorFiles(dataDir))!;
    const nc = await connect({
      servers: stack.natsUrl!,
      reconnect: false,
      ...operatorBusOptions(files),
    });
    try {
      const js = jetstream(nc, { timeout: 3_000 });
      await expect(js.publish('omega.alerts.high', 'forged')).rejects.toThrow(
        /Permissions Violation/,
      );
      const jsm = await jetstreamManager(nc, { timeout: 3_000 });
      await expect(jsm.streams.info('AUDIT')).resolves.toBeDefined();
    } finally {
      await nc.close();
    }
  });

  it('the operator calls trust over mutual TLS with the CLI credential', async () => {
    const credentials = await cliChannelCredentials(dataDir, 'trust');
    expect(credentials).toBeDefined();
    const trust = createPromiseClient(TrustServiceClient, address('trust'), {
      credentials: credentials!,
    });
    try {
      await expect(
        trust.listIdentities(ListIdentitiesRequest.fromPartial({ pageSize: 10 })),
      ).resolves.toBeDefined();
    } finally {
      trust.close();
    }
  });
});
