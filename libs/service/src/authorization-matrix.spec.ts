// Who may call what, tried against real components: trust as built (mutual TLS on) and every other
// omega.v1 service behind the real harness (runService), on a real nats-server. For a
// representative method of each service and every identity method of trust, five callers: none
// (no certificate), forged (an identity record written straight into omega_identities and a
// self-signed certificate naming it), revoked (an operator trust revoked), other (a real
// certificate of a workload the row does not name), right (a caller the row names). The expected
// statuses are written by hand in authorization-expected.txt, not read from the table under test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connectBus, type Bus } from '@omega/bus';
import { HybridSigner, generateHybridSecretKey, loadMlDsaBackend } from '@omega/crypto';
import {
  Identity,
  IdentityKind,
  IdentityStatus,
  RenewIdentityRequest,
  RevokeIdentityRequest,
} from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { eventually, withNats } from '@omega/testkit';
import {
  IDENTITIES_BUCKET,
  RENEWAL_PURPOSE,
  bootstrapChannelCredentials,
  encodeIdentityRecord,
  identityRecordKey,
  keyIndexKey,
  renewalRequest,
  type Credentials,
} from '@omega/trust-client';
import {
  callMethod,
  presenting,
  selfSigned,
  startMesh,
  type Answer,
  type Mesh,
  type StubService,
} from './testing/mtls-mesh';

const { OK, PERMISSION_DENIED, UNAUTHENTICATED } = grpc.status;
const FORGED_SUBJECT = 'omega://local/operator/mallory';

const nats = withNats();
let mesh: Mesh;
let bus: Bus;
let alice: Credentials;
let bob: Credentials;
let node1: Credentials;
let forged: { renewal: RenewIdentityRequest };

type Caller = 'none' | 'forged' | 'revoked' | 'other' | 'right';
type Server = StubService | 'trust';
type Who = 'alice' | 'bob' | 'node-1' | 'orchestrator' | 'gateway';

function credentialsOf(who: Who): Credentials {
  if (who === 'alice') return alice;
  if (who === 'bob') return bob;
  if (who === 'node-1') return node1;
  return mesh.identityOf(who);
}

beforeAll(async () => {
  mesh = await startMesh(nats.url, ['operator/alice', 'operator/bob', 'sentinel/node-1']);
  bus = await connectBus({
    servers: [nats.url],
    name: 'authz-matrix-spec',
    logger: createLogger({ service: 'spec', level: 'silent' }),
  });
  nats.beforeStop(async () => {
    await bus.drain();
    await mesh.stop();
  });
  alice = await mesh.enrollCaller('operator', 'alice');
  bob = await mesh.enrollCaller('operator', 'bob');
  node1 = await mesh.enrollCaller('sentinel', 'node-1');
  forged = await forgeIdentityRecord(bus);
}, 240_000);

/** Writes an identity record trust never issued (role admin) and a renewal its key signs. */
async function forgeIdentityRecord(on: Bus): Promise<{ renewal: RenewIdentityRequest }> {
  const mlDsa = await loadMlDsaBackend('liboqs');
  const secretKey = generateHybridSecretKey(mlDsa);
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const identity = Identity.fromPartial({
    id: FORGED_SUBJECT,
    kind: IdentityKind.IDENTITY_KIND_OPERATOR,
    status: IdentityStatus.IDENTITY_STATUS_ACTIVE,
    keys: [{ ...secretKey.publicKey, notAfterTimeNs: nowNs + 3_600_000_000_000n }],
    issueTimeNs: nowNs,
    expireTimeNs: nowNs + 3_600_000_000_000n,
    roles: ['admin'],
  });
  const kv = await on.kv(IDENTITIES_BUCKET);
  await kv.put(
    identityRecordKey(FORGED_SUBJECT),
    encodeIdentityRecord({ identity, currentSerial: '01', revokedSerials: [] }),
  );
  await kv.put(keyIndexKey(secretKey.keyId), FORGED_SUBJECT);
  const unsigned = RenewIdentityRequest.fromPartial({
    identityId: FORGED_SUBJECT,
    requestTimeNs: nowNs,
    requestId: 'forged-renewal',
    ttlSeconds: 86_400,
  });
  const proof = new HybridSigner(secretKey, mlDsa).sign(
    RENEWAL_PURPOSE,
    RenewIdentityRequest.encode(unsigned).finish(),
  );
  return { renewal: { ...unsigned, proof } };
}

function channelOf(caller: Caller, row: { other: Who; right: Who }): grpc.ChannelCredentials {
  switch (caller) {
    case 'none':
      return bootstrapChannelCredentials(mesh.caPem);
    case 'forged':
      return selfSigned(FORGED_SUBJECT, mesh.caPem);
    case 'revoked':
      return presenting(bob);
    case 'other':
      return presenting(credentialsOf(row.other));
    case 'right':
      return presenting(credentialsOf(row.right));
  }
}

async function revokeBob(): Promise<void> {
  const answer = await callMethod(
    mesh.address('trust'),
    '/omega.v1.TrustService/RevokeIdentity',
    presenting(alice),
    RevokeIdentityRequest.fromPartial({
      identityId: bob.subject,
      reason: 'authorization matrix spec',
      requestId: 'revoke-bob',
    }),
  );
  expect(answer).toMatchObject({ code: OK });
}

const SERVERS: readonly Server[] = [
  'trust',
  'intelligence',
  'orchestrator',
  'deception',
  'twin',
  'sentinel',
  'gateway',
];
/** A method on each server that an operator may call, to show bob's certificate refused there. */
const OPERATOR_METHOD: Record<Server, string> = {
  trust: '/omega.v1.TrustService/ListIdentities',
  intelligence: '/omega.v1.IntelligenceService/SetRuleEnabled',
  orchestrator: '/omega.v1.OrchestratorService/StartPlaybook',
  deception: '/omega.v1.DeceptionService/ListDecoys',
  twin: '/omega.v1.TwinService/GetGraph',
  sentinel: '/omega.v1.SentinelService/BlockSource',
  gateway: '/omega.v1.GatewayService/CreateToken',
};

let bobRevoked: Promise<Map<Server, Answer>> | undefined;

/** Revokes bob once, then what each server answers him once it no longer answers OK. */
function bobRevokedEverywhere(): Promise<Map<Server, Answer>> {
  bobRevoked ??= (async () => {
    await revokeBob();
    const answers = new Map<Server, Answer>();
    for (const server of SERVERS) {
      answers.set(
        server,
        await eventually(`${server} refuses ${bob.subject}`, async () => {
          const answer = await callMethod(
            mesh.address(server),
            OPERATOR_METHOD[server],
            presenting(bob),
          );
          return answer.code === OK ? undefined : answer;
        }),
      );
    }
    return answers;
  })();
  return bobRevoked;
}

describe('revocation', () => {
  it('every mTLS server refuses a certificate once trust revokes it, as soon as the record update arrives', async () => {
    for (const server of SERVERS) {
      const before = await callMethod(
        mesh.address(server),
        OPERATOR_METHOD[server],
        presenting(bob),
      );
      expect({ server, code: before.code }).toEqual({ server, code: OK });
    }
    const refused = await bobRevokedEverywhere();
    for (const server of SERVERS) {
      expect(refused.get(server)).toEqual({
        code: UNAUTHENTICATED,
        details: `${OPERATOR_METHOD[server]}: identity ${bob.subject} is revoked`,
      });
    }
  }, 120_000);
});

const CALLERS = ['none', 'forged', 'revoked', 'other', 'right'] as const;

interface Row {
  readonly server: Server;
  readonly method: string;
  readonly other: Who;
  readonly right: Who;
  readonly expect: Record<Caller, string>;
}

/** authorization-expected.txt: one row per method, whitespace-separated columns. */
function expectedRows(): Row[] {
  const text = readFileSync(join(__dirname, 'authorization-expected.txt'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [method = '', other, right, ...statuses] = line.trim().split(/\s+/);
      const service = method.slice(0, method.indexOf('Service/'));
      return {
        server: service.toLowerCase() as Server,
        method: `/omega.v1.${method}`,
        other: other as Who,
        right: right as Who,
        expect: Object.fromEntries(
          CALLERS.map((c, i) => [c, statuses[i] ?? '(missing)']),
        ) as Record<Caller, string>,
      };
    });
}

describe('authorization matrix', () => {
  beforeAll(() => bobRevokedEverywhere(), 60_000);

  it.each(expectedRows().map((row) => [row.method, row] as const))(
    '%s',
    async (_method, row) => {
      const seen: Record<string, string> = {};
      for (const caller of CALLERS) {
        const answer = await callMethod(
          mesh.address(row.server),
          row.method,
          channelOf(caller, row),
        );
        seen[caller] = `${grpc.status[answer.code]}`;
        if (answer.code === PERMISSION_DENIED || answer.code === UNAUTHENTICATED) {
          // Every refusal names the method; a refused certificate's subject is named too.
          expect(answer.details).toContain(row.method);
        }
        if (caller === 'other' && answer.code === PERMISSION_DENIED) {
          expect(answer.details).toContain(`${credentialsOf(row.other).subject} may not call it`);
        }
      }
      expect(seen).toEqual(row.expect);
    },
    60_000,
  );
});

describe('RenewIdentity needs proof from the current credential', () => {
  const renew = '/omega.v1.TrustService/RenewIdentity';
  beforeAll(() => bobRevokedEverywhere(), 60_000);

  it('renews a caller whose certificate names the identity it renews', async () => {
    const answer = await callMethod(
      mesh.address('trust'),
      renew,
      presenting(alice),
      renewalRequest(alice, { nowMs: Date.now() }),
    );
    expect(answer).toEqual({ code: OK, details: '' });
  });

  it('refuses a renewal for an identity record written straight into KV, with or without a certificate', async () => {
    for (const channel of [
      bootstrapChannelCredentials(mesh.caPem),
      selfSigned(FORGED_SUBJECT, mesh.caPem),
    ]) {
      const answer = await callMethod(mesh.address('trust'), renew, channel, forged.renewal);
      expect(answer.code).toBe(UNAUTHENTICATED);
      expect(answer.details).toContain(renew);
    }
  });

  it('refuses a renewal of another identity, even signed by that identity’s key', async () => {
    const answer = await callMethod(
      mesh.address('trust'),
      renew,
      presenting(node1),
      renewalRequest(alice, { nowMs: Date.now() }),
    );
    expect(answer).toEqual({
      code: PERMISSION_DENIED,
      details: `RenewIdentity ${alice.subject}: the caller's certificate names ${node1.subject}; an identity renews only itself`,
    });
  });

  it('refuses a renewal without a certificate and by a revoked identity', async () => {
    const none = await callMethod(
      mesh.address('trust'),
      renew,
      bootstrapChannelCredentials(mesh.caPem),
      renewalRequest(alice, { nowMs: Date.now() }),
    );
    expect(none.code).toBe(UNAUTHENTICATED);
    const revoked = await callMethod(
      mesh.address('trust'),
      renew,
      presenting(bob),
      renewalRequest(bob, { nowMs: Date.now() }),
    );
    expect(revoked).toEqual({
      code: UNAUTHENTICATED,
      details: `${renew}: identity ${bob.subject} is revoked`,
    });
  });
});
