// With mutual TLS on, trust accepts connections without a client certificate (workloads enroll
// before they have one), so every RPC that changes state or reveals identities checks the peer's
// certificate itself; the public log and enrollment stay open, as the tlog HTTP endpoints are.
import type * as grpc from '@grpc/grpc-js';
import { toGrpcError } from '@omega/runtime';
import { authenticatedPeer } from '@omega/trust-client';

/** TrustService methods (camelCase, as grpc-js handlers are keyed) that need a trust certificate. */
export const PEER_CERTIFICATE_REQUIRED = [
  'appendAudit',
  'appendAuditBatch',
  'attestArtifact',
  'revokeIdentity',
  'getIdentity',
  'listIdentities',
] as const;

/** `handlers` with the peer check in front of every method in PEER_CERTIFICATE_REQUIRED. */
export function guardHandlers(
  handlers: grpc.UntypedServiceImplementation,
  trustBundlePem: () => string,
): grpc.UntypedServiceImplementation {
  const guarded: grpc.UntypedServiceImplementation = { ...handlers };
  for (const method of PEER_CERTIFICATE_REQUIRED) {
    const handler = handlers[method] as grpc.handleUnaryCall<unknown, unknown> | undefined;
    if (handler === undefined) continue;
    const check: grpc.handleUnaryCall<unknown, unknown> = (call, callback) => {
      try {
        authenticatedPeer(call.getAuthContext(), trustBundlePem());
      } catch (err) {
        callback(toGrpcError(err));
        return;
      }
      handler(call, callback);
    };
    guarded[method] = check;
  }
  return guarded;
}
