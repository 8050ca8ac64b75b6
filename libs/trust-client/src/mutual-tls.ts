// Mutual TLS 1.3 for grpc-js and node:tls from trust-issued credentials: each side presents its
// trust-issued certificate and accepts only peers whose certificate chains to the trust CA.
// Node 24 (OpenSSL 3.5) negotiates the hybrid post-quantum group X25519MLKEM768 by default.
import type { PeerCertificate, SecureContextOptions } from 'node:tls';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Code, OmegaError } from '@omega/runtime';
import type { Credentials } from './credentials';
import { SUBJECT_SCHEME } from './subject';

/** Only TLS 1.3: its key exchange is where the hybrid post-quantum group applies. */
export const MIN_TLS_VERSION = 'TLSv1.3';

/** Something that hands out the current credentials and tells when they change (renewal). */
export interface CredentialSource {
  current(): Credentials;
  onRenewed(listener: (credentials: Credentials) => void): () => void;
}

/** The node:tls options both sides use: our key and chain, the trust CA as the only root. */
export function tlsContextOptions(credentials: Credentials): SecureContextOptions {
  return {
    key: credentials.tlsPrivateKey.export({ format: 'pem', type: 'pkcs8' }),
    cert: credentials.certificateChainPem,
    ca: credentials.trustBundlePem,
    minVersion: MIN_TLS_VERSION,
  };
}

/** The omega:// URI SANs of a peer certificate. */
export function peerSubjects(certificate: Pick<PeerCertificate, 'subjectaltname'>): string[] {
  return (certificate.subjectaltname ?? '')
    .split(', ')
    .filter((san) => san.startsWith(`URI:${SUBJECT_SCHEME}`))
    .map((san) => san.slice('URI:'.length));
}

export interface ServerCredentialOptions {
  /**
   * Refuse the handshake without a client certificate from the trust CA (default true). Trust
   * itself sets false: workloads enroll before they have one, and its handlers check the peer
   * with `authenticatedPeer` for everything else.
   */
  readonly requireClientCertificate?: boolean;
}

class MutualTlsServerCredentials extends grpc.ServerCredentials {
  constructor(source: Credentials | CredentialSource, options: ServerCredentialOptions = {}) {
    const credentials = 'current' in source ? source.current() : source;
    const required = options.requireClientCertificate ?? true;
    super(
      // Server options: ask every client for a certificate; unless told otherwise refuse the
      // handshake without one that chains to the trust CA.
      { requestCert: true, rejectUnauthorized: required, minVersion: MIN_TLS_VERSION },
      tlsContextOptions(credentials),
    );
    if ('current' in source) {
      source.onRenewed((renewed) => this.updateSecureContextOptions(tlsContextOptions(renewed)));
    }
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

/**
 * Server credentials for @grpc/grpc-js: TLS 1.3 only, a client certificate from the trust CA
 * required. Given a CredentialSource (a renewal loop), renewed certificates apply to new
 * connections without a restart.
 */
export function serverCredentials(
  source: Credentials | CredentialSource,
  options: ServerCredentialOptions = {},
): grpc.ServerCredentials {
  return new MutualTlsServerCredentials(source, options);
}

export interface ChannelCredentialOptions {
  /** Accept only a server whose certificate names this subject (default: any omega:// subject). */
  readonly expectedServerSubject?: string;
}

/**
 * Channel credentials for @grpc/grpc-js: TLS 1.3 only, our certificate presented, the server's
 * checked against the trust CA and for an omega:// URI SAN (trust-issued certificates carry no DNS
 * name, so the usual hostname check is replaced by a subject check).
 */
export function channelCredentials(
  credentials: Credentials,
  options: ChannelCredentialOptions = {},
): grpc.ChannelCredentials {
  return grpc.credentials.createFromSecureContext(
    tls.createSecureContext(tlsContextOptions(credentials)),
    { checkServerIdentity: (_host, cert) => checkPeerSubject(cert, options.expectedServerSubject) },
  );
}

/** For node:tls `checkServerIdentity`: an Error unless the certificate names an acceptable subject. */
export function checkPeerSubject(
  certificate: Pick<PeerCertificate, 'subjectaltname'>,
  expected?: string,
): Error | undefined {
  const subjects = peerSubjects(certificate);
  if (subjects.length === 0) {
    return new Error(`peer certificate has no ${SUBJECT_SCHEME} URI SAN`);
  }
  if (expected !== undefined && !subjects.includes(expected)) {
    return new Error(`peer certificate names ${subjects.join(', ')}, not ${expected}`);
  }
  return undefined;
}

/**
 * Channel credentials that follow renewal: each new connection presents the newest certificate
 * (grpc-js's certificate-provider credentials rebuild the TLS context on every update).
 */
export function renewingChannelCredentials(
  source: CredentialSource,
  options: ChannelCredentialOptions = {},
): grpc.ChannelCredentials {
  return grpc.experimental.createCertificateProviderChannelCredentials(
    new CredentialCertificateProvider(source),
    new CredentialCertificateProvider(source),
    { checkServerIdentity: (_host, cert) => checkPeerSubject(cert, options.expectedServerSubject) },
  );
}

/**
 * Channel credentials for a workload that has no certificate yet (enrollment): the server is still
 * checked against the trust CA and for its subject, the client presents nothing.
 */
export function bootstrapChannelCredentials(
  trustBundlePem: string,
  options: ChannelCredentialOptions = {},
): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(Buffer.from(trustBundlePem), null, null, {
    checkServerIdentity: (_host, cert) => checkPeerSubject(cert, options.expectedServerSubject),
  });
}

/** Feeds a CredentialSource to grpc-js as CA and identity certificate updates. */
class CredentialCertificateProvider implements grpc.experimental.CertificateProvider {
  readonly #ca = new Set<grpc.experimental.CaCertificateUpdateListener>();
  readonly #identity = new Set<grpc.experimental.IdentityCertificateUpdateListener>();
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly source: CredentialSource) {}

  addCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    this.#ca.add(listener);
    this.#watch();
    listener({ caCertificate: Buffer.from(this.source.current().trustBundlePem) });
  }

  removeCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    this.#ca.delete(listener);
    this.#unwatchIfIdle();
  }

  addIdentityCertificateListener(
    listener: grpc.experimental.IdentityCertificateUpdateListener,
  ): void {
    this.#identity.add(listener);
    this.#watch();
    listener(identityUpdate(this.source.current()));
  }

  removeIdentityCertificateListener(
    listener: grpc.experimental.IdentityCertificateUpdateListener,
  ): void {
    this.#identity.delete(listener);
    this.#unwatchIfIdle();
  }

  #watch(): void {
    this.#unsubscribe ??= this.source.onRenewed((renewed) => {
      for (const listener of this.#ca) {
        listener({ caCertificate: Buffer.from(renewed.trustBundlePem) });
      }
      for (const listener of this.#identity) listener(identityUpdate(renewed));
    });
  }

  #unwatchIfIdle(): void {
    if (this.#ca.size === 0 && this.#identity.size === 0) {
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
    }
  }
}

function identityUpdate(credentials: Credentials): grpc.experimental.IdentityCertificateUpdate {
  return {
    certificate: Buffer.from(credentials.certificateChainPem),
    privateKey: Buffer.from(
      credentials.tlsPrivateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    ),
  };
}

/** What a server call exposes of its transport (grpc-js `call.getAuthContext()`). */
export interface PeerAuthContext {
  readonly transportSecurityType?: string;
  readonly sslPeerCertificate?: PeerCertificate;
}

/**
 * The omega:// subject of a call's client certificate, checked here because the server accepted
 * the handshake without one: issued by one of `trustBundlePem`'s CAs, valid at `nowMs`, naming a
 * subject. Unauthenticated naming the failed check otherwise.
 */
export function authenticatedPeer(
  context: PeerAuthContext,
  trustBundlePem: string,
  nowMs: number = Date.now(),
): string {
  const refuse = (detail: string): OmegaError =>
    new OmegaError(Code.Unauthenticated, `peer certificate: ${detail}`);
  // grpc-js reports a certificate only when the handshake verified it against our CA bundle.
  const presented = context.sslPeerCertificate;
  if (context.transportSecurityType !== 'ssl' || presented?.raw === undefined) {
    throw refuse('none presented that the trust CA issued (enroll with trust first)');
  }
  const leaf = new X509Certificate(presented.raw);
  const issuers = caCertificates(trustBundlePem);
  if (!issuers.some((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey))) {
    throw refuse(`${leaf.subject.replace(/\n/g, ', ')} is not issued by the trust CA`);
  }
  if (nowMs < Date.parse(leaf.validFrom) || nowMs > Date.parse(leaf.validTo)) {
    throw refuse(`valid ${leaf.validFrom} to ${leaf.validTo}, not now`);
  }
  const [subject] = peerSubjects(presented);
  if (subject === undefined) throw refuse(`names no ${SUBJECT_SCHEME} URI subject`);
  return subject;
}

function caCertificates(bundlePem: string): X509Certificate[] {
  return (
    bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  ).map((pem) => new X509Certificate(pem));
}
