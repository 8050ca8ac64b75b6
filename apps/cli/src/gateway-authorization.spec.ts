// The gateway's authorization matrix on a real stack (trust and the gateway as built processes):
// every omega.v1 method the gateway serves, called with no credential, an expired token, a revoked
// token, a certificate from another CA, a token of each role and the operator's certificate, is
// allowed exactly where docs/gateway.md's role table says, refused with the documented status
// otherwise; refused state-changing calls are in the audit log; a flood from one token leaves
// others served; malformed, oversized and unknown calls get clear errors.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  AuditEntryKind,
  GatewayServiceClient,
  GatewayServiceService,
  TrustServiceClient,
} from '@omega/proto';
import { createPromiseClient } from '@omega/runtime';
import { documentedRoles, type DocumentedRole } from '@omega/testkit';
import { firstAdminToken } from './first-admin-token';
import { cliChannelCredentials } from './operator-identity';
import { startSpecStack, type SpecStack } from './testing/spec-stack';

/** The roles in the order docs/gateway.md gives them: each grants what the ones before grant. */
const ROLES = ['viewer', 'responder', 'operator', 'admin'] as const;
type RoleName = (typeof ROLES)[number];
const passBytes = (bytes: Buffer): Buffer => bytes;

let running: SpecStack;
let operator: grpc.ChannelCredentials;
let caPem: Buffer;
let address: string;
const clients: grpc.Client[] = [];
const tokens = new Map<string, string>();

function withToken(secret: string): grpc.ChannelCredentials {
  return grpc.credentials.combineChannelCredentials(
    grpc.credentials.createSsl(caPem),
    grpc.credentials.createFromMetadataGenerator((_params, callback) => {
      const metadata = new grpc.Metadata();
      metadata.add('authorization', `Bearer ${secret}`);
      callback(null, metadata);
    }),
  );
}

function gateway(credentials: grpc.ChannelCredentials = operator) {
  return createPromiseClient(GatewayServiceClient, address, { credentials, timeoutMs: 20_000 });
}

async function makeToken(subject: string, roles: string[], ttlSeconds = 600): Promise<string> {
  const client = gateway();
  try {
    const { secret, token } = await client.createToken({
      subject,
      roles,
      description: 'authorization matrix',
      ttlSeconds,
      requestId: '',
    });
    tokens.set(subject, token!.id);
    return secret;
  } finally {
    client.close();
  }
}

interface Answer {
  code: grpc.status;
  details: string;
}

/** One call with an empty request, answered however the gateway (or its backend) answers. */
function call(
  credentials: grpc.ChannelCredentials,
  path: string,
  request: Buffer = Buffer.alloc(0),
): Promise<Answer> {
  const client = new grpc.Client(address, credentials);
  clients.push(client);
  const deadline = Date.now() + 15_000;
  const streaming = /StreamAlerts|WatchWorkflow|ServerReflectionInfo/.test(path);
  return new Promise((resolve) => {
    if (streaming) {
      const stream = client.makeServerStreamRequest(path, passBytes, passBytes, request, {
        deadline,
      });
      stream.on('data', () => stream.cancel());
      stream.on('error', (err: grpc.ServiceError) =>
        resolve({ code: err.code, details: err.details }),
      );
      stream.on('end', () => resolve({ code: grpc.status.OK, details: '' }));
    } else {
      client.makeUnaryRequest(path, passBytes, passBytes, request, { deadline }, (err) =>
        resolve(
          err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '' },
        ),
      );
    }
  });
}

const grantedTo = (role: RoleName, row: DocumentedRole): boolean =>
  row.role === 'anyone' || ROLES.indexOf(role) >= ROLES.indexOf(row.role);

const rolesGranting = (row: DocumentedRole): string =>
  row.role === 'anyone' ? '' : ROLES.slice(ROLES.indexOf(row.role)).join(', ');

/** A refusal by the gateway's check (not a backend's answer to an empty request). */
const REFUSED = [grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED];

interface Caller {
  readonly name: string;
  readonly credentials: () => grpc.ChannelCredentials;
  /** What the documented table says this caller gets for a row: 'allowed', or a refusal. */
  readonly expect: (row: DocumentedRole) => 'allowed' | { code: grpc.status; details: RegExp };
}

const ROWS = documentedRoles().filter((row) => row.path.startsWith('/omega.v1.'));
const unauthenticated = (detail: string) => ({
  code: grpc.status.UNAUTHENTICATED,
  details: new RegExp(detail),
});

beforeAll(async () => {
  running = await startSpecStack(['trust', 'gateway'], {
    prefix: 'omega-gateway-authz-',
    // A budget the matrix (about 60 calls per caller) fits in, and a flood soon exceeds.
    serviceEnv: {
      gateway: {
        OMEGA_GATEWAY_LIMITS_CALLS_PER_SECOND: '1',
        OMEGA_GATEWAY_LIMITS_BURST: '120',
        OMEGA_GATEWAY_LIMITS_ROLES: '{"admin": {"burst": 1000}}',
        OMEGA_GATEWAY_TOKENS_DENIAL_AUDIT_WINDOW_SECONDS: '600',
      },
    },
  });
  const credentials = await cliChannelCredentials(running.dataDir, 'gateway');
  if (credentials === undefined) throw new Error(`no operator credential in ${running.dataDir}`);
  operator = credentials;
  caPem = readFileSync(join(running.dataDir, 'operator', 'ca.pem'));
  address = `localhost:${running.stack.portsOf('gateway').grpcPort}`;
}, 240_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await running?.stop();
});

describe('the gateway authorization matrix', () => {
  it('allows each method exactly where docs/gateway.md says, for every kind of caller', async () => {
    const secrets = new Map<RoleName, string>();
    for (const role of ROLES) secrets.set(role, await makeToken(`user:matrix-${role}`, [role]));
    const expired = await makeToken('user:matrix-expired', ['admin'], 1);
    const revoked = await makeToken('user:matrix-revoked', ['admin']);
    const admin = gateway();
    await admin.revokeToken({ tokenId: tokens.get('user:matrix-revoked')!, reason: 'matrix' });
    admin.close();
    // A certificate naming the operator, from a CA that is not trust's.
    const forged = join(running.dataDir, 'forged');
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
        '-subj',
        '/CN=forged',
        '-addext',
        'subjectAltName=URI:omega://local/operator/cli',
        '-days',
        '1',
        '-keyout',
        `${forged}-key.pem`,
        '-out',
        `${forged}.pem`,
      ],
      { stdio: 'ignore' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // the 1 s token has expired

    const callers: Caller[] = [
      {
        name: 'no credential',
        credentials: () => grpc.credentials.createSsl(caPem),
        expect: (row) =>
          row.role === 'anyone'
            ? 'allowed'
            : unauthenticated(`^${esc(row.path)} needs a credential`),
      },
      {
        name: 'expired token',
        credentials: () => withToken(expired),
        expect: (row) => unauthenticated(`^${esc(row.path)}: token [0-9a-f]{16}: expired at `),
      },
      {
        name: 'revoked token',
        credentials: () => withToken(revoked),
        expect: (row) => unauthenticated(`^${esc(row.path)}: token [0-9a-f]{16}: revoked at `),
      },
      {
        name: 'certificate from another CA',
        credentials: () =>
          grpc.credentials.createSsl(
            caPem,
            readFileSync(`${forged}-key.pem`),
            readFileSync(`${forged}.pem`),
          ),
        // grpc-js shows a handler no certificate that failed verification: it counts as none.
        expect: (row) =>
          row.role === 'anyone'
            ? 'allowed'
            : unauthenticated(`^${esc(row.path)} needs a credential: .*another CA counts as none`),
      },
      ...ROLES.map((role): Caller => ({
        name: `${role} token`,
        credentials: () => withToken(secrets.get(role)!),
        expect: (row) =>
          grantedTo(role, row)
            ? 'allowed'
            : {
                code: grpc.status.PERMISSION_DENIED,
                details: new RegExp(
                  `^${esc(row.path)}: user:matrix-${role} \\(roles: ${role}\\) needs one of: ${rolesGranting(row)}$`,
                ),
              },
      })),
      { name: 'operator certificate', credentials: () => operator, expect: () => 'allowed' },
    ];

    const mismatches: string[] = [];
    for (const caller of callers) {
      const credentials = caller.credentials();
      for (const row of ROWS) {
        const answer = await call(credentials, row.path);
        const expected = caller.expect(row);
        const ok =
          expected === 'allowed'
            ? !REFUSED.includes(answer.code)
            : answer.code === expected.code && expected.details.test(answer.details);
        if (!ok) {
          mismatches.push(
            `${caller.name} × ${row.path}: expected ${expected === 'allowed' ? 'allowed' : `${grpc.status[expected.code]} ${expected.details}`}, got ${grpc.status[answer.code]} ${answer.details}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Both outcomes occurred: the matrix is not all one answer.
    expect(ROWS.filter((row) => grantedTo('viewer', row)).length).toBeGreaterThan(10);
    expect(ROWS.filter((row) => !grantedTo('responder', row)).length).toBeGreaterThan(5);
  }, 180_000);

  it('logs each refused state-changing call of a token holder in the audit log, naming caller and roles', async () => {
    const trust = createPromiseClient(TrustServiceClient, address, {
      credentials: operator,
      timeoutMs: 20_000,
    });
    try {
      const { records } = await trust.listAuditEntries({
        startIndex: 0n,
        pageSize: 1000,
        kind: AuditEntryKind.AUDIT_ENTRY_KIND_ACCESS_DENIED,
        subject: '',
      });
      const logged = new Set(records.map((record) => record.entry!.summary));
      const expected = ROLES.flatMap((role) =>
        ROWS.filter((row) => row.changes && !grantedTo(role, row)).map(
          (row) => `user:matrix-${role} denied ${row.path}: needs one of ${rolesGranting(row)}`,
        ),
      );
      expect(expected.length).toBeGreaterThan(10);
      expect(expected.filter((summary) => !logged.has(summary))).toEqual([]);
      // Refusals of methods that change nothing are counted, not logged.
      expect(
        [...logged].filter(
          (summary) =>
            summary.includes('user:matrix-viewer denied') && summary.includes('TestRules'),
        ),
      ).toEqual([]);
    } finally {
      trust.close();
    }
  });

  it('answers a flood from one token RESOURCE_EXHAUSTED with a retry hint, and keeps serving another token', async () => {
    const flooding = withToken(await makeToken('user:flood', ['viewer']));
    const calm = withToken(await makeToken('user:calm', ['viewer']));
    const answers: Answer[] = [];
    for (let i = 0; i < 130; i++) {
      answers.push(await call(flooding, '/omega.v1.TrustService/GetTrustBundle'));
    }
    const exhausted = answers.filter((a) => a.code === grpc.status.RESOURCE_EXHAUSTED);
    expect(exhausted.length).toBeGreaterThan(0);
    expect(exhausted[0]!.details).toMatch(
      /user:flood is over its limit of 1 calls\/s \(burst 120\); retry in \d+ ms$/,
    );
    const other = await call(calm, '/omega.v1.TrustService/GetTrustBundle');
    expect(other.code).toBe(grpc.status.OK);
    // Administrators have a larger budget (gateway.limits.roles): the same flood passes.
    const admin = withToken(await makeToken('user:flood-admin', ['admin']));
    const adminAnswers: Answer[] = [];
    for (let i = 0; i < 130; i++) {
      adminAnswers.push(await call(admin, '/omega.v1.TrustService/GetTrustBundle'));
    }
    expect(adminAnswers.filter((a) => a.code !== grpc.status.OK)).toEqual([]);
  });

  it('refuses malformed, oversized and unknown calls with errors naming what and where', async () => {
    const admin = withToken(await makeToken('user:prober', ['admin']));
    // Not a CreateTokenRequest: field 1 claims 100 bytes and the message ends.
    const malformed = await call(
      admin,
      GatewayServiceService.createToken.path,
      Buffer.from([0x0a, 0x64, 0x41]),
    );
    expect(malformed.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(malformed.details).toContain('/omega.v1.GatewayService/CreateToken');
    // Forwarded as bytes: the backend that knows the type refuses it.
    const forwarded = await call(
      admin,
      '/omega.v1.TrustService/GetIdentity',
      Buffer.from([0x0a, 0x64, 0x41]),
    );
    expect(forwarded.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(forwarded.details).toContain('/omega.v1.TrustService/GetIdentity');
    const oversized = await call(
      admin,
      '/omega.v1.TrustService/GetIdentity',
      Buffer.alloc(5 * 1024 * 1024, 0x41),
    );
    expect(oversized.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    const unknown = await call(admin, '/omega.v1.TrustService/NoSuchMethod');
    expect(unknown.code).toBe(grpc.status.UNIMPLEMENTED);
    const bearerless = grpc.credentials.combineChannelCredentials(
      grpc.credentials.createSsl(caPem),
      grpc.credentials.createFromMetadataGenerator((_p, callback) => {
        const metadata = new grpc.Metadata();
        metadata.add('authorization', 'Bearer not-a-token');
        callback(null, metadata);
      }),
    );
    const garbage = await call(bearerless, '/omega.v1.GatewayService/WhoAmI');
    expect(garbage).toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
      details: expect.stringContaining("not an Omega token (expected 'Bearer omegat_"),
    });
  });
});

describe('the first admin token of omega up', () => {
  it('is made once with the operator certificate, shown once, and works as user:admin', async () => {
    const port = running.stack.portsOf('gateway').grpcPort;
    const first = await firstAdminToken(running.dataDir, port);
    expect(first[0]).toMatch(
      /^omega: first admin token for user:admin \(shown once, expires \d{4}-/,
    );
    const secret = first[1]!.trim();
    expect(secret).toMatch(/^omegat_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(first[2]).toContain(`omega login --address localhost:${port} --ca-file `);
    const asAdmin = gateway(withToken(secret));
    try {
      const { principal } = await asAdmin.whoAmI({});
      expect(principal).toMatchObject({ id: 'user:admin', roles: ['admin'] });
    } finally {
      asAdmin.close();
    }
    const again = await firstAdminToken(running.dataDir, port);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatch(/^omega: make API tokens with `omega tokens create/);
    expect(again.join('\n')).not.toContain('omegat_');
  });
});

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
