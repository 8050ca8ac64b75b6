// With mutual TLS on, trust accepts connections without a client certificate (workloads enroll
// before they have one), so every RPC that changes state or reveals identities checks the peer's
// certificate itself; the public log and enrollment stay open, as the tlog HTTP endpoints are.
import type { CallContext } from '@omega/runtime';
import { authenticatedPeer } from '@omega/trust-client';
import type { TrustHandlers } from './audit/audit-grpc';

/** TrustService methods (camelCase, as handlers are keyed) that need a trust certificate. */
export const PEER_CERTIFICATE_REQUIRED = [
  'appendAudit',
  'appendAuditBatch',
  'attestArtifact',
  'revokeIdentity',
  'getIdentity',
  'listIdentities',
] as const;

type Handler = (request: unknown, ctx: CallContext) => unknown;

/** `handlers` with the peer check in front of every method in PEER_CERTIFICATE_REQUIRED. */
export function guardHandlers(
  handlers: TrustHandlers,
  trustBundlePem: () => string,
): TrustHandlers {
  const guarded: Record<string, Handler> = { ...(handlers as Record<string, Handler>) };
  for (const method of PEER_CERTIFICATE_REQUIRED) {
    const handler = guarded[method];
    if (handler === undefined) continue;
    guarded[method] = (request, ctx) => {
      authenticatedPeer(ctx.peer, trustBundlePem());
      return handler(request, ctx);
    };
  }
  return guarded as TrustHandlers;
}
