// Who asked for a change through a gRPC call, as the audit entry of that change names them: the
// subject of the caller's verified client certificate under mutual TLS, otherwise only its address
// (the service then logs the change on its own account).
import type { IdentityRef } from '@omega/proto';
import { peerSubjects, type PeerAuthContext } from './mutual-tls';

export interface Requester {
  /** The omega:// subject of the caller's verified certificate; absent without mutual TLS. */
  readonly subject?: string;
  /** The caller's address as grpc-js reports it (`127.0.0.1:53312`). */
  readonly address: string;
}

/** The requester of a call from its peer (a handler's `ctx.peer`). */
export function requesterOf(peer: PeerAuthContext & { readonly address: string }): Requester {
  // grpc-js reports a certificate only when the handshake verified it against the trust CA.
  const certificate = peer.transportSecurityType === 'ssl' ? peer.sslPeerCertificate : undefined;
  const [subject] = certificate?.raw === undefined ? [] : peerSubjects(certificate);
  return subject === undefined ? { address: peer.address } : { subject, address: peer.address };
}

/**
 * The actor an audit entry names for a change `requester` asked for: the verified requester, or
 * `self` (the service's own identity, or its name without one) when nobody was verified.
 */
export function requesterActor(requester: Requester | undefined, self: IdentityRef): IdentityRef {
  return requester?.subject === undefined ? self : { id: requester.subject, keyId: '' };
}

/** The part of an audit summary saying who asked: ` (requested by <subject> from <address>)`. */
export function describeRequester(requester: Requester | undefined): string {
  if (requester === undefined) return '';
  return requester.subject === undefined
    ? ` (requested from ${requester.address}, no verified identity)`
    : ` (requested by ${requester.subject} from ${requester.address})`;
}
