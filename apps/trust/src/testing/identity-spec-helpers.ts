// Shared by the identity specs: an identity service on a real NATS server, a fresh root key, a
// recording audit appender and helpers to enroll workloads with join tokens.
import { connectBus, provision, type Bus } from '@omega/bus';
import {
  HybridSigner,
  SignaturePurpose,
  encodeHybridPublicKey,
  generateHybridSecretKey,
  loadMlDsaBackend,
  type HybridSecretKey,
  type MlDsaBackend,
} from '@omega/crypto';
import {
  IssueIdentityRequest,
  RenewIdentityRequest,
  type Credential,
  type AuditRef,
  type HybridSignature,
} from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { RENEWAL_PURPOSE, identityKindOf, type SubjectKind } from '@omega/trust-client';
import type { AuditAppender, IdentityFact } from '../identity/audit-appender';
import { defaultIdentityConfig, type IdentityConfig } from '../identity/identity-config';
import { createIdentityService, type IdentityService } from '../identity/identity-grpc';
import { mintJoinToken } from '../identity/join-tokens';
import type { KubernetesAttestor } from '../identity/kubernetes-attestor';
import type { IdentityMetrics } from '../trust-metrics';

export const silentLogger = createLogger({ service: 'trust', level: 'silent' });

/** Stands in for the audit log: records every append (the log itself is tested in ../audit). */
export class RecordingAppender implements AuditAppender {
  readonly entries: IdentityFact[] = [];
  failNext = false;

  async append(entry: IdentityFact): Promise<AuditRef> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('audit log unavailable');
    }
    this.entries.push(entry);
    return {
      logIndex: BigInt(this.entries.length - 1),
      leafHash: Buffer.alloc(32),
      checkpointSize: BigInt(this.entries.length),
    };
  }
}

export interface IdentityFixture {
  bus: Bus;
  service: IdentityService;
  audit: RecordingAppender;
  rootKey: HybridSecretKey;
  mlDsa: MlDsaBackend;
  clock: { nowMs: number };
}

export async function openIdentityFixture(
  url: string,
  options: {
    config?: Partial<IdentityConfig>;
    kubernetes?: KubernetesAttestor;
    metrics?: IdentityMetrics;
  } = {},
): Promise<IdentityFixture> {
  const bus = await connectBus({ servers: url, name: 'identity-spec', logger: silentLogger });
  await provision(bus, { kv: ['omega_identities'] });
  const mlDsa = await loadMlDsaBackend('liboqs');
  const rootKey = generateHybridSecretKey(mlDsa);
  const audit = new RecordingAppender();
  const clock = { nowMs: Date.now() };
  const service = await createIdentityService({
    bus,
    rootKey,
    audit,
    logger: silentLogger,
    config: { ...defaultIdentityConfig(), ...options.config },
    mlDsa,
    clock: () => clock.nowMs,
    ...(options.kubernetes ? { kubernetes: options.kubernetes } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  return { bus, service, audit, rootKey, mlDsa, clock };
}

export async function closeIdentityFixture(fixture: IdentityFixture | undefined): Promise<void> {
  fixture?.service.close();
  await fixture?.bus.drain();
}

/**
 * An IssueIdentityRequest with a fresh key and a valid proof of possession, which also covers
 * `tlsPublicKeySpki` when given.
 */
export function issueRequest(
  mlDsa: MlDsaBackend,
  kind: SubjectKind,
  name: string,
  attestation: IssueIdentityRequest['attestation'],
  secretKey: HybridSecretKey = generateHybridSecretKey(mlDsa),
  tlsPublicKeySpki: Buffer = Buffer.alloc(0),
): { request: IssueIdentityRequest; secretKey: HybridSecretKey; signer: HybridSigner } {
  const signer = new HybridSigner(secretKey, mlDsa);
  const request = IssueIdentityRequest.fromPartial({
    kind: identityKindOf(kind),
    name,
    publicKey: secretKey.publicKey,
    attestation,
    proof: signer.sign(
      SignaturePurpose.ProofOfPossession,
      Buffer.concat([encodeHybridPublicKey(secretKey.publicKey), tlsPublicKeySpki]),
    ),
    requestId: `spec-${secretKey.keyId}`,
    tlsPublicKeySpki,
  });
  return { request, secretKey, signer };
}

/** Mints a join token for kind/name and enrolls with it. */
export async function enrollWithJoinToken(
  fixture: IdentityFixture,
  kind: SubjectKind,
  name: string,
) {
  const { token } = await mintJoinToken(fixture.service.store, {
    kind,
    name,
    ttlSeconds: 600,
    nowMs: fixture.clock.nowMs,
  });
  const { request, secretKey, signer } = issueRequest(fixture.mlDsa, kind, name, {
    $case: 'joinToken',
    value: token,
  });
  const issued = await fixture.service.issuer.issue(request);
  return { ...issued, secretKey, signer, token };
}

/**
 * A renewal of `identityId` at `nowMs` carrying `currentCredential` (as trust issued it), signed
 * by `signer` (the identity's current key).
 */
export function renewRequest(
  identityId: string,
  signer: { sign: (p: string, b: Uint8Array) => HybridSignature },
  nowMs: number,
  currentCredential: Credential | undefined,
): RenewIdentityRequest {
  const unsigned = RenewIdentityRequest.fromPartial({
    identityId,
    requestTimeNs: BigInt(nowMs) * 1_000_000n,
    requestId: `r-${nowMs}`,
    ...(currentCredential ? { currentCredential } : {}),
  });
  return {
    ...unsigned,
    proof: signer.sign(RENEWAL_PURPOSE, RenewIdentityRequest.encode(unsigned).finish()),
  };
}
