// TrustService.Sign on real gRPC, a real audit log on NATS, trust's own enrolled identity and the
// identity verifier that answers VerifySignature.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import type { HybridSecretKey } from '@omega/crypto';
import {
  AuditEntry,
  AuditEntryKind,
  TrustServiceClient,
  TrustServiceService,
  VerificationFailure,
  type SignRequest,
  type SignResponse,
} from '@omega/proto';
import { unimplementedService } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import type { AuditLog } from '../audit/audit-log';
import { newLogKey, openBus, openLog } from '../testing/audit-spec-helpers';
import { delegatedSigningHandlers } from './delegated-signing';
import {
  closeIdentityFixture,
  openIdentityFixture,
  silentLogger,
  type IdentityFixture,
} from '../testing/identity-spec-helpers';
import { enrollSelf, type SelfIdentity } from './self-identity';

const nats = withNats({ jetstream: true });
let fixture: IdentityFixture;
let log: AuditLog;
let self: SelfIdentity;
const servers: grpc.Server[] = [];
const clients: TrustServiceClient[] = [];

beforeAll(async () => {
  fixture = await openIdentityFixture(nats.url);
  const bus = await openBus(nats.url, 'signing-spec');
  const key: HybridSecretKey = await newLogKey();
  log = await openLog(bus, key);
  self = await enrollSelf(fixture.service, silentLogger, () => fixture.clock.nowMs);
  nats.beforeStop(async () => {
    for (const client of clients) client.close();
    for (const server of servers) server.forceShutdown();
    self.stop();
    await log.close();
    await bus.drain();
    await closeIdentityFixture(fixture);
  });
});

/** A TrustService with Sign over plaintext gRPC; `requireCertificate` as with mutual TLS on. */
async function signer(
  requireCertificate = false,
): Promise<(r: Partial<SignRequest>) => Promise<SignResponse>> {
  const server = new grpc.Server();
  server.addService(TrustServiceService, {
    ...unimplementedService(TrustServiceService),
    ...delegatedSigningHandlers({
      log,
      credentials: async () => self.current(),
      ...(requireCertificate
        ? { trustBundlePem: () => fixture.service.tlsAuthority.caCertificatePem }
        : {}),
      logger: silentLogger,
    }),
  });
  servers.push(server);
  const port = await promisify(server.bindAsync.bind(server))(
    '127.0.0.1:0',
    grpc.ServerCredentials.createInsecure(),
  );
  const client = new TrustServiceClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  clients.push(client);
  return (request) =>
    new Promise((resolve, reject) =>
      client.sign(
        { payload: Buffer.alloc(0), purpose: '', requestId: '', ...request },
        (err, response) => (err ? reject(err) : resolve(response)),
      ),
    );
}

describe('TrustService.Sign', () => {
  it('signs as trust under a delegated purpose that VerifySignature accepts, and logs the digest first', async () => {
    const sign = await signer();
    const payload = Buffer.from('release manifest v1.2.3: sha256 of every image');
    const response = await sign({ payload, purpose: 'release-manifest', requestId: 'rel-1' });
    expect(response.signedPurpose).toBe('delegated.release-manifest');
    expect(response.signer!.id).toBe(self.current().identity.id);
    expect(response.signer!.id).toMatch(/\/service\/trust$/);
    const verified = await fixture.service.verifier.verifySignature(
      {
        message: payload,
        signature: response.signature!,
        expectedIdentityId: response.signer!.id,
        purpose: response.signedPurpose,
      },
      fixture.clock.nowMs,
    );
    expect(verified).toMatchObject({ valid: true, failure: 0 });
    const [leaf] = await log.readEntries(Number(response.audit!.logIndex), 1);
    const entry = AuditEntry.decode(leaf!);
    expect(entry.kind).toBe(AuditEntryKind.AUDIT_ENTRY_KIND_SIGNATURE_ISSUED);
    expect(entry.subject).toBe('delegated.release-manifest');
    expect(Buffer.from(entry.payload)).toEqual(createHash('sha256').update(payload).digest());
    expect(entry.summary).toMatch(/for an unauthenticated caller/);
    expect(entry.actor?.id).toBe(response.signer!.id);
    expect(response.audit!.checkpointSize).toBeGreaterThan(response.audit!.logIndex);
  });

  it("cannot be made to sign one of trust's own statements: the signature fails under any other purpose", async () => {
    const sign = await signer();
    const payload = Buffer.from('an identity document the caller made up');
    const response = await sign({ payload, purpose: 'credential' });
    expect(response.signedPurpose).toBe('delegated.credential');
    for (const purpose of ['credential', 'attestation', 'audit-checkpoint']) {
      const verified = await fixture.service.verifier.verifySignature(
        { message: payload, signature: response.signature!, expectedIdentityId: '', purpose },
        fixture.clock.nowMs,
      );
      expect(verified.valid).toBe(false);
      expect([
        VerificationFailure.VERIFICATION_FAILURE_ED25519_INVALID,
        VerificationFailure.VERIFICATION_FAILURE_ML_DSA_INVALID,
      ]).toContain(verified.failure);
    }
  });

  it('refuses a malformed purpose, naming it, and logs nothing', async () => {
    const sign = await signer();
    const size = log.size;
    const err = (await sign({ payload: Buffer.from('x'), purpose: 'Not A Purpose' }).catch(
      (e: unknown) => e,
    )) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^Sign: purpose: signature purpose "Not A Purpose" is malformed/);
    expect(log.size).toBe(size);
  });

  it('with mutual TLS on, refuses a caller that presents no trust certificate and logs nothing', async () => {
    const sign = await signer(true);
    const size = log.size;
    const err = (await sign({ payload: Buffer.from('x'), purpose: 'note' }).catch(
      (e: unknown) => e,
    )) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(err.details).toMatch(/peer certificate: none presented/);
    expect(log.size).toBe(size);
  });
});
