// Issues, renews and revokes identities: checks the attestation and proof of possession, signs the
// identity document with the trust root (purpose 'credential'), has the TLS CA certify the
// identity's key, logs the fact in the audit log, then records it in `omega_identities`.
import { createPublicKey, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { Code, OmegaError } from '@omega/runtime';
import {
  Identity,
  IdentityStatus,
  RenewIdentityRequest,
  type AuditRef,
  type Credential,
  type HybridPublicKey,
  type IssueIdentityRequest,
  type RevokeIdentityRequest,
} from '@omega/proto';
import {
  SignaturePurpose,
  encodeHybridPublicKey,
  signedMessage,
  type HybridSigner,
} from '@omega/crypto';
import { formatSubject, parseSubject, subjectKindOf, type SubjectKind } from '@omega/trust-client';
import type { MlDsaBackend } from '@omega/crypto';
import { IdentityAuditKind, type AuditAppender } from './audit-appender';
import type { IdentityConfig } from './identity-config';
import type { IdentityRecord, IdentityStore } from './identity-store';
import { IdentityVerifier, SERIAL_ATTRIBUTE, isoNs } from './identity-verifier';
import { defaultRoles, redeemJoinToken } from './join-tokens';
import type { KubernetesAttestor } from './kubernetes-attestor';
import { checkRenewalProof } from './renewal-proof';
import { bareKey, checkKeyIdOf, invalid, tlsPublicKeyOf } from './request-keys';
import type { TlsAuthority } from './tls-authority';
import type { IdentityMetrics } from '../trust-metrics';

export interface IdentityIssuerDeps {
  readonly store: IdentityStore;
  readonly rootSigner: HybridSigner;
  readonly mlDsa: MlDsaBackend;
  readonly tlsAuthority: TlsAuthority;
  readonly audit: AuditAppender;
  readonly verifier: IdentityVerifier;
  readonly config: IdentityConfig;
  readonly kubernetes?: KubernetesAttestor;
  readonly clock?: () => number;
  readonly metrics?: IdentityMetrics;
}

export interface Issued {
  readonly identity: Identity;
  readonly credential: Credential;
}

export class IdentityIssuer {
  readonly #clock: () => number;

  constructor(private readonly deps: IdentityIssuerDeps) {
    this.#clock = deps.clock ?? Date.now;
  }

  async issue(request: IssueIdentityRequest): Promise<Issued> {
    const nowMs = this.#clock();
    const kind = subjectKindOf(request.kind);
    const name = requestedName(kind, request.name);
    const subject = formatSubject({ cluster: this.deps.config.cluster, kind, name });
    const publicKey = request.publicKey;
    if (publicKey === undefined) throw invalid(`IssueIdentity ${subject}: public_key is missing`);
    checkKeyIdOf(publicKey, `IssueIdentity ${subject}: public_key`);
    if (request.proof === undefined) throw invalid(`IssueIdentity ${subject}: proof is missing`);
    const tlsSpki = Buffer.from(request.tlsPublicKeySpki);
    if (tlsSpki.byteLength > 0) tlsPublicKeyOf(tlsSpki, `IssueIdentity ${subject}`);
    const proofRefusal = this.deps.verifier.checkParts(
      publicKey,
      signedMessage(
        SignaturePurpose.ProofOfPossession,
        Buffer.concat([encodeHybridPublicKey(publicKey), tlsSpki]),
      ),
      request.proof,
      `IssueIdentity ${subject}: proof of possession`,
    );
    if (proofRefusal) throw new OmegaError(Code.Unauthenticated, proofRefusal.detail);

    const existing = await this.deps.store.get(subject);
    if (existing?.record.identity.status === IdentityStatus.IDENTITY_STATUS_REVOKED) {
      throw new OmegaError(
        Code.PermissionDenied,
        `IssueIdentity ${subject}: the identity is revoked and cannot enroll again`,
      );
    }

    let roles: string[];
    let releaseToken: (() => Promise<void>) | undefined;
    const attributes: Record<string, string> = {};
    const attestation = request.attestation;
    if (attestation?.$case === 'joinToken') {
      ({ roles, release: releaseToken } = await redeemJoinToken(
        this.deps.store,
        attestation.value,
        { kind, name, subject, nowMs },
      ));
      attributes['omega.attestation'] = 'join-token';
    } else if (attestation?.$case === 'kubernetesToken') {
      if (this.deps.kubernetes === undefined) {
        throw new OmegaError(
          Code.FailedPrecondition,
          `IssueIdentity ${subject}: Kubernetes attestation is off (identity.kubernetes.enabled)`,
        );
      }
      const facts = await this.deps.kubernetes.attest(attestation.value, kind, name);
      roles = defaultRoles(kind, name);
      Object.assign(attributes, {
        'omega.attestation': 'kubernetes',
        'k8s.namespace': facts.namespace,
        'k8s.service_account': facts.serviceAccount,
        'k8s.pod': facts.pod,
        'k8s.pod_uid': facts.podUid,
        'k8s.node': facts.node,
      });
    } else {
      throw invalid(
        `IssueIdentity ${subject}: attestation is missing (join_token or kubernetes_token)`,
      );
    }

    const previousKeys = (existing?.record.identity.keys ?? []).filter(
      (k) =>
        k.keyId !== publicKey.keyId &&
        k.revokeTimeNs === 0n &&
        k.notAfterTimeNs > BigInt(nowMs) * 1_000_000n,
    );
    let issued: Issued;
    try {
      issued = await this.#grant({
        subject,
        kind: request.kind,
        key: publicKey,
        tlsPublicKeySpki: tlsSpki.byteLength > 0 ? tlsSpki : undefined,
        previousKeys,
        roles,
        attributes,
        ttlSeconds: request.ttlSeconds,
        nowMs,
        auditKind: IdentityAuditKind.Issued,
        revision: existing?.revision,
        revokedSerials: existing?.record.revokedSerials ?? [],
      });
    } catch (err) {
      // Nothing was issued: the workload may retry with the same token.
      await releaseToken?.();
      throw err;
    }
    this.deps.metrics?.issued.inc({ kind });
    return issued;
  }

  /**
   * Renews for the holder of the current credential (renewal-proof.ts); `caller` is the subject of
   * the verified client certificate when trust serves mutual TLS.
   */
  async renew(request: RenewIdentityRequest, caller?: string): Promise<Issued> {
    const nowMs = this.#clock();
    const where = `RenewIdentity ${request.identityId}`;
    const skewMs = this.deps.config.requestClockSkewSeconds * 1000;
    const requestMs = Number(request.requestTimeNs / 1_000_000n);
    if (Math.abs(requestMs - nowMs) > skewMs) {
      throw new OmegaError(
        Code.Unauthenticated,
        `${where}: request_time ${isoNs(request.requestTimeNs)} is more than ${this.deps.config.requestClockSkewSeconds} s from trust's clock (stale or replayed)`,
      );
    }
    const proof = await checkRenewalProof(request, this.deps, nowMs, caller, where);
    const newKey = request.newPublicKey;
    if (newKey !== undefined) {
      checkKeyIdOf(newKey, `${where}: new_public_key`);
      this.#checkNewKeyProof(request, newKey, where);
    } else if (request.newKeyProof !== undefined) {
      throw invalid(`${where}: new_key_proof is set but new_public_key is not`);
    }
    const key = newKey ?? proof.key;
    const previousKeys = proof.stored.record.identity.keys.filter(
      (k) =>
        k.keyId !== key.keyId &&
        k.revokeTimeNs === 0n &&
        k.notAfterTimeNs > BigInt(nowMs) * 1_000_000n,
    );
    // Kind, roles and attributes as trust signed them, not as the KV record says.
    return this.#grant({
      subject: proof.signed.id,
      kind: proof.signed.kind,
      key,
      previousKeys,
      roles: proof.signed.roles,
      attributes: Object.fromEntries(
        Object.entries(proof.signed.attributes).filter(([k]) => k !== SERIAL_ATTRIBUTE),
      ),
      ttlSeconds: request.ttlSeconds,
      nowMs,
      // The TLS key enrolled beside the hybrid key stays certified across renewals and rotations.
      tlsPublicKeySpki: proof.tlsPublicKeySpki,
      auditKind: IdentityAuditKind.Renewed,
      revision: proof.stored.revision,
      revokedSerials: proof.stored.record.revokedSerials,
    });
  }

  /** A rotation must show that the requester holds the new key, not only the current one. */
  #checkNewKeyProof(request: RenewIdentityRequest, newKey: HybridPublicKey, where: string): void {
    if (request.newKeyProof === undefined) {
      throw invalid(
        `${where}: new_key_proof is missing; a key rotation must be signed by the new key too`,
      );
    }
    const unsigned = RenewIdentityRequest.encode({
      ...request,
      proof: undefined,
      newKeyProof: undefined,
    }).finish();
    const refusal = this.deps.verifier.checkParts(
      newKey,
      signedMessage(SignaturePurpose.ProofOfPossession, unsigned),
      request.newKeyProof,
      `${where}: new_key_proof`,
    );
    if (refusal) throw new OmegaError(Code.Unauthenticated, refusal.detail);
  }

  async revoke(request: RevokeIdentityRequest): Promise<{ identity: Identity; audit: AuditRef }> {
    const nowMs = this.#clock();
    const nowNs = BigInt(nowMs) * 1_000_000n;
    const where = `RevokeIdentity ${request.identityId}${request.keyId ? ` key ${request.keyId}` : ''}`;
    if (request.identityId === '') throw invalid('RevokeIdentity: identity_id is empty');
    const stored = await this.deps.store.get(request.identityId);
    if (stored === undefined) throw new OmegaError(Code.NotFound, `${where}: no such identity`);
    const identity = stored.record.identity;
    if (request.keyId !== '' && !identity.keys.some((k) => k.keyId === request.keyId)) {
      throw new OmegaError(Code.NotFound, `${where}: the identity has no such key`);
    }
    const wholeIdentity = request.keyId === '';
    const revoked: Identity = {
      ...identity,
      status: wholeIdentity ? IdentityStatus.IDENTITY_STATUS_REVOKED : identity.status,
      revocationReason: wholeIdentity ? request.reason : identity.revocationReason,
      keys: identity.keys.map((k) =>
        (wholeIdentity || k.keyId === request.keyId) && k.revokeTimeNs === 0n
          ? { ...k, revokeTimeNs: nowNs }
          : k,
      ),
    };
    const record: IdentityRecord = {
      ...stored.record,
      identity: revoked,
      currentSerial: stored.record.currentSerial,
      // The current certificate binds the current key: revoking either refuses it everywhere.
      revokedSerials:
        (wholeIdentity || request.keyId === identity.keys[0]?.keyId) &&
        !stored.record.revokedSerials.includes(stored.record.currentSerial)
          ? [...stored.record.revokedSerials, stored.record.currentSerial]
          : stored.record.revokedSerials,
    };
    const body = Identity.encode(revoked).finish();
    const audit = await this.deps.audit.append({
      kind: IdentityAuditKind.Revoked,
      subject: identity.id,
      body,
      dedupeId: request.requestId
        ? `identity-revoked:${request.requestId}`
        : `identity-revoked:${identity.id}:${request.keyId || '*'}`,
    });
    await this.deps.store.put(record, stored.revision);
    return { identity: revoked, audit };
  }

  async #grant(grant: {
    subject: string;
    kind: Identity['kind'];
    key: HybridPublicKey;
    /** DER SPKI of a separate TLS key; absent certifies the Ed25519 half of `key`. */
    tlsPublicKeySpki: Uint8Array | undefined;
    previousKeys: HybridPublicKey[];
    roles: string[];
    attributes: Record<string, string>;
    ttlSeconds: number;
    nowMs: number;
    auditKind: string;
    revision: number | undefined;
    revokedSerials: readonly string[];
  }): Promise<Issued> {
    const { config } = this.deps;
    const ttlSeconds = Math.min(
      grant.ttlSeconds > 0 ? grant.ttlSeconds : config.credentialTtlSeconds,
      config.maxCredentialTtlSeconds,
    );
    const notBeforeMs = grant.nowMs;
    const notAfterMs = grant.nowMs + ttlSeconds * 1000;
    const serial = randomBytes(16).toString('hex');
    const currentKey: HybridPublicKey = {
      ...bareKey(grant.key),
      notBeforeTimeNs: BigInt(notBeforeMs) * 1_000_000n,
      notAfterTimeNs: BigInt(notAfterMs) * 1_000_000n,
      revokeTimeNs: 0n,
    };
    const identity: Identity = {
      id: grant.subject,
      kind: grant.kind,
      status: IdentityStatus.IDENTITY_STATUS_ACTIVE,
      keys: [currentKey, ...grant.previousKeys],
      issueTimeNs: currentKey.notBeforeTimeNs,
      expireTimeNs: currentKey.notAfterTimeNs,
      revocationReason: '',
      roles: grant.roles,
      attributes: { ...grant.attributes, [SERIAL_ATTRIBUTE]: serial },
    };
    // The signed document (and its audit entry) names the current key only: each earlier key was
    // logged when it was issued, and the record below keeps the still-valid ones for verifiers.
    // Listing them here would grow the entry with every overlapping re-enrolment (an ML-DSA-65
    // key is 1,952 bytes) until it no longer fits the audit log's entry limit.
    const identityDocument = Buffer.from(
      Identity.encode({ ...identity, keys: [currentKey] }).finish(),
    );
    const certificate = await this.deps.tlsAuthority.issueLeaf({
      subject: grant.subject,
      publicKey:
        grant.tlsPublicKeySpki !== undefined
          ? tlsPublicKeyOf(grant.tlsPublicKeySpki, grant.subject)
          : createPublicKey({
              key: Buffer.from(currentKey.ed25519),
              format: 'raw-public',
              asymmetricKeyType: 'ed25519',
            }),
      serialHex: serial,
      notBeforeMs,
      notAfterMs,
      ...serverNamesOf(config.serverNames, grant.subject),
    });
    const credential: Credential = {
      identity: { id: grant.subject, keyId: currentKey.keyId },
      x509CertificateDer: certificate,
      x509ChainDer: [this.deps.tlsAuthority.caCertificateDer],
      identityDocument,
      issuerSignature: this.deps.rootSigner.sign(SignaturePurpose.Credential, identityDocument),
      expireTimeNs: identity.expireTimeNs,
    };
    // Logged before it is recorded or handed out: no credential exists that the log does not show.
    const audit = await this.deps.audit.append({
      kind: grant.auditKind,
      subject: grant.subject,
      body: identityDocument,
      dedupeId: `${grant.auditKind.toLowerCase()}:${serial}`,
    });
    await this.deps.store.put(
      {
        identity,
        currentSerial: serial,
        revokedSerials: grant.revokedSerials,
        ...(grant.tlsPublicKeySpki !== undefined
          ? { tlsPublicKeySpki: grant.tlsPublicKeySpki }
          : {}),
      },
      grant.revision,
    );
    return { identity: { ...identity, audit }, credential };
  }
}

/** The name part of a request's `name`, which may also be given as `<kind>/<name>`. */
function requestedName(kind: SubjectKind, name: string): string {
  const prefix = `${kind}/`;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** The DNS names and IP addresses configured for a subject's certificate (identity.serverNames). */
function serverNamesOf(
  configured: Readonly<Record<string, readonly string[]>>,
  subject: string,
): { dnsNames: string[]; ipAddresses: string[] } {
  const { kind, name } = parseSubject(subject);
  const names = configured[`${kind}/${name}`] ?? [];
  return {
    dnsNames: names.filter((n) => isIP(n) === 0),
    ipAddresses: names.filter((n) => isIP(n) !== 0),
  };
}
