// The check every mTLS server runs before each call (implementService's `authorize`): a verified
// certificate from the trust CA, not revoked, from this cluster, whose subject the method
// permission table allows. Methods open to anyone need no certificate.
import { Code, OmegaError, type AuthorizeCall } from '@omega/runtime';
import { authenticatedPeer, peerSubjects } from './mutual-tls';
import { METHOD_PERMISSIONS, methodRefusal, type MethodPermission } from './method-permissions';
import { parseSubject } from './subject';

export interface CallAuthorizerOptions {
  /** The trust CA bundle (PEM) a caller's certificate must chain to; read on every call. */
  readonly trustBundlePem: () => string;
  /** This server's trust domain; callers from another one are refused. */
  readonly cluster: () => string;
  /** Why a certificate is revoked (RevokedCertificates.refusal); undefined when it is not. */
  readonly revocation: (subject: string, serialHex: string) => string | undefined;
  /** Default METHOD_PERMISSIONS. */
  readonly table?: ReadonlyMap<string, MethodPermission>;
  /** Told about each refused call (logging, metrics). */
  readonly onRefused?: (refusal: OmegaError, call: { method: string; address: string }) => void;
  /** Default Date.now. */
  readonly clock?: () => number;
}

/** Certificates whose chain was checked, kept so a connection's calls do not redo it. */
const VERIFIED_CACHE_SIZE = 1024;

/**
 * The check for implementService's `authorize`: lets a call through when the table opens its
 * method to anyone, or when the caller's certificate is from the trust CA, valid now, of this
 * cluster, not revoked, and its subject is in the method's row; throws the refusal otherwise.
 */
export function callAuthorizer(options: CallAuthorizerOptions): AuthorizeCall {
  const table = options.table ?? METHOD_PERMISSIONS;
  const clock = options.clock ?? Date.now;
  // fingerprint256 → subject, for the trust bundle it was checked against, until it expires.
  const verified = new Map<string, { subject: string; bundle: string; notAfterMs: number }>();
  const authenticated = (peer: Parameters<AuthorizeCall>[0]['peer'], nowMs: number): string => {
    const certificate = peer.sslPeerCertificate;
    const bundle = options.trustBundlePem();
    const known = certificate ? verified.get(certificate.fingerprint256) : undefined;
    if (known !== undefined && known.bundle === bundle && nowMs <= known.notAfterMs) {
      return known.subject;
    }
    const subject = authenticatedPeer(peer, bundle, nowMs);
    if (certificate !== undefined) {
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.clear();
      verified.set(certificate.fingerprint256, {
        subject,
        bundle,
        notAfterMs: Date.parse(certificate.valid_to),
      });
    }
    return subject;
  };
  const check = (call: Parameters<AuthorizeCall>[0]): void => {
    const permission = table.get(call.method);
    if (permission?.callers === 'anyone') return;
    let subject: string | undefined;
    if (permission !== undefined && call.peer.sslPeerCertificate !== undefined) {
      try {
        subject = authenticated(call.peer, clock());
      } catch (err) {
        if (err instanceof OmegaError) {
          throw new OmegaError(err.code, `${call.method}: ${err.message}`, { cause: err });
        }
        throw err;
      }
      const cluster = parseSubject(subject).cluster;
      if (cluster !== options.cluster()) {
        throw new OmegaError(
          Code.PermissionDenied,
          `${call.method}: ${subject} is of trust domain ${cluster}, not ${options.cluster()}`,
        );
      }
      const revoked = options.revocation(subject, call.peer.sslPeerCertificate.serialNumber);
      if (revoked !== undefined) {
        throw new OmegaError(Code.Unauthenticated, `${call.method}: ${revoked}`);
      }
    }
    const refusal = methodRefusal(
      call.method,
      permission === undefined ? callerSubject(call.peer) : subject,
      table,
    );
    if (refusal !== undefined) throw refusal;
  };
  return (call) => {
    try {
      check(call);
    } catch (err) {
      if (err instanceof OmegaError)
        options.onRefused?.(err, { method: call.method, address: call.peer.address });
      throw err;
    }
  };
}

/**
 * The subject of the call's client certificate, for handlers behind `callAuthorizer` that act
 * for the caller (RenewIdentity renews only the caller); undefined without one.
 */
export function callerSubject(peer: Parameters<AuthorizeCall>[0]['peer']): string | undefined {
  const certificate = peer.sslPeerCertificate;
  return certificate === undefined ? undefined : peerSubjects(certificate)[0];
}
