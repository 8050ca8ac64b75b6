// Mutual TLS 1.3 for grpc-js and node:tls from trust-issued credentials: each side presents its
// trust-issued certificate and accepts only peers whose certificate chains to the trust CA.
// Node 24 (OpenSSL 3.5) negotiates the hybrid post-quantum group X25519MLKEM768 by default.
import type { PeerCertificate, SecureContextOptions } from 'node:tls';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
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

class MutualTlsServerCredentials extends grpc.ServerCredentials {
  constructor(source: Credentials | CredentialSource) {
    const credentials = 'current' in source ? source.current() : source;
    super(
      // Server options: ask every client for a certificate and refuse the handshake without one
      // that chains to the trust CA.
      { requestCert: true, rejectUnauthorized: true, minVersion: MIN_TLS_VERSION },
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
export function serverCredentials(source: Credentials | CredentialSource): grpc.ServerCredentials {
  return new MutualTlsServerCredentials(source);
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
